import ArgumentParser

@main
struct CelCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel",
    abstract: "Celshade: turn animated films into photo-to-anime training sets.",
    discussion: """
      The stages also run alone as cel-extract and friends; `cel run` runs the stages that \
      a pipeline file in Pipelines/ names, in this process, skipping every stage whose \
      options and inputs are unchanged since it last finished.
      """,
    subcommands: [RunCommand.self, FilmsCommand.self, ReportCommand.self, ServeCommand.self])
}
