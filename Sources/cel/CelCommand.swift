import ArgumentParser

@main
struct CelCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "cel", abstract: "Celshade")
}
