import ArgumentParser
import DataStages
import Foundation
import ModelStages

@main
struct TrainCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-train",
    abstract: "Train a CartoonGAN generator on a style set and a photo set.",
    discussion: """
      --style is a film's dataset after cel-split (train/tiles with their smoothed twins in \
      train/smooth); --photos is a photo set from photos-to-dataset.yaml. --vgg is the \
      ImageNet VGG19 weights file the content loss needs (torchvision's vgg19-*.pth, or a \
      .safetensors with the same names): it cannot be bundled or downloaded here.

      The run folder gets a checkpoint after every epoch (checkpoints/, safetensors + JSON; \
      never overwritten in place), metrics.csv (every loss and the discriminator's accuracy \
      on real, smoothed and generated pictures, per step) and a sample grid per epoch \
      (samples/). Ctrl-C writes a checkpoint and stops; --resume continues from the latest \
      checkpoint exactly where it stopped, also after a kill. cel-apply --model RUN uses the \
      latest generator.

      Real training wants a GPU-sized budget: build against a CUDA libtorch (see README).
      """)

  @OptionGroup var options: TrainOptions

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func run() async throws {
    var stage = TrainStage(options: options)
    stage.isQuiet = quiet
    report(try await stage.run(), quiet: quiet)
  }
}
