import ArgumentParser
import Foundation
import Torch

extension Trainer.Device: ExpressibleByArgument {}

/// Normalisation layers of a trained network.
package enum NormKind: String, ExpressibleByArgument, CaseIterable, Sendable, Codable {
  case batch, instance
}

/// The options of `cel-train`.
package struct TrainOptions: ParsableArguments, Sendable {
  @Option(
    help: ArgumentHelp("The style set: a film's dataset after cel-split.", valueName: "dataset"))
  package var style: String

  @Option(
    help: ArgumentHelp("The photo set: photos-to-dataset.yaml's output.", valueName: "dataset"))
  package var photos: String

  @Option(
    help: ArgumentHelp(
      "ImageNet VGG19 weights: torchvision's vgg19-*.pth or a .safetensors.", valueName: "file"))
  package var vgg: String?

  @Option(
    help: ArgumentHelp(
      "The run folder: checkpoints, metrics.csv, sample grids.", valueName: "folder"))
  package var run: String

  @Option(
    name: .customLong("init-from"),
    help: ArgumentHelp(
      "Start the generator from a style: a published .npy folder, a cel-import .safetensors or an instance-norm run (needs --norm instance).",
      valueName: "style"))
  package var initFrom: String?

  @Option(help: "Normalisation in both networks: batch or instance.")
  package var norm: NormKind = .batch

  @Option(name: .customLong("init-epochs"), help: "Epochs of content loss alone (the paper's 10).")
  package var initEpochs = 10

  @Option(help: "Epochs of adversarial training after the initialisation.")
  package var epochs = 100

  @Option(help: "Pictures per batch.")
  package var batch = 4

  @Option(
    name: .customLong("image-size"),
    help: "Side of the square pictures trained on (a multiple of 8).")
  package var imageSize = 256

  @Option(
    name: .customLong("content-weight"), help: "Weight of the content loss (the paper's omega).")
  package var contentWeight: Float = 10

  @Option(
    name: .customLong("style-weight"), help: "Weight of the Gram-matrix style loss (0: none).")
  package var styleWeight: Float = 0

  @Option(help: "Adam learning rate of both networks.")
  package var lr: Float = 2e-4

  @Option(
    name: .customLong("lr-steps"),
    help: "Epochs at which the learning rates are divided by 10, as 50,75.")
  package var lrSteps: String?

  @Option(help: "Adam's first moment decay.")
  package var beta1: Double = 0.5

  @Option(help: "Adam's second moment decay.")
  package var beta2: Double = 0.999

  @Option(help: "Seed of the initial weights, the shuffles and the flips.")
  package var seed: UInt64 = 42

  @Option(help: "Photos in each epoch's sample grid.")
  package var samples = 4

  @Option(
    help: "Where to train: cpu, cuda, or auto (a GPU when libtorch has CUDA and sees one).")
  package var device: Trainer.Device = .auto

  @Option(help: "Threads libtorch uses (default: all cores).")
  package var threads: Int?

  @Flag(help: "Continue the run from its latest checkpoint.")
  package var resume = false

  package init() {}

  static let missingVGG = "cel-train needs --vgg FILE: \(VGGWeights.whereFrom)"

  package mutating func validate() throws {
    guard vgg != nil else { throw ValidationError(Self.missingVGG) }
    guard initEpochs >= 0, epochs >= 0, initEpochs + epochs > 0 else {
      throw ValidationError("--init-epochs and --epochs must not be negative, and not both 0")
    }
    guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    if initFrom != nil && norm != .instance {
      throw ValidationError(
        "--init-from needs --norm instance: published styles use instance norm")
    }
    guard imageSize >= 16, imageSize % 8 == 0 else {
      throw ValidationError("--image-size must be a multiple of 8, at least 16")
    }
    guard lr > 0 else { throw ValidationError("--lr must be more than 0") }
    if let lrSteps, lrSteps.split(separator: ",").contains(where: { Int($0) == nil }) {
      throw ValidationError("--lr-steps must be epochs separated by commas, such as 50,75")
    }
  }

  var decayEpochs: [Int] { (lrSteps ?? "").split(separator: ",").compactMap { Int($0) } }

  /// The learning rate of `epoch`: `--lr` divided by 10 at each `--lr-steps` epoch passed
  /// (epochs counted from the first initialisation epoch).
  func rate(at epoch: Int) -> Float {
    decayEpochs.filter { epoch >= $0 }.reduce(lr) { rate, _ in rate / 10 }
  }

  var trainerOptions: Trainer.Options {
    var options = Trainer.Options()
    options.isBatchNorm = norm == .batch
    options.device = device
    options.generatorRate = lr
    options.discriminatorRate = lr
    options.beta1 = beta1
    options.beta2 = beta2
    options.contentWeight = contentWeight
    options.styleWeight = styleWeight
    options.seed = seed
    return options
  }

  /// What a run is: a resumed run must ask for the same. `--epochs`, `--samples` and
  /// `--threads` may change.
  struct RunSettings: Codable, Equatable {
    var norm: NormKind
    var imageSize: Int
    var batch: Int
    var seed: UInt64
    var initEpochs: Int
    var contentWeight: Float
    var styleWeight: Float
    // Optional so that the run.json of a run started before they were recorded still
    // reads; such a run does not check them.
    var lr: Float?
    var lrSteps: [Int]?
    var beta1: Double?
    var beta2: Double?
    /// The VGG19 file's fingerprint (size, first and last megabyte).
    var vgg: String?
    /// Processes training together: each takes `batch` of every batch of batch × ranks.
    var ranks: Int?

    /// The options in `asked` that differ from this run's, each as the run's own value.
    func differences(from asked: RunSettings) -> [String] {
      func text(_ value: (some Any)?) -> String? { value.map { "\($0)" } }
      func steps(_ epochs: [Int]?) -> String? {
        epochs.map { $0.isEmpty ? "none" : $0.map(String.init).joined(separator: ",") }
      }
      let pairs: [(String, String?, String?)] = [
        ("--norm", norm.rawValue, asked.norm.rawValue),
        ("--image-size", text(imageSize), text(asked.imageSize)),
        ("--batch", text(batch), text(asked.batch)), ("--seed", text(seed), text(asked.seed)),
        ("--init-epochs", text(initEpochs), text(asked.initEpochs)),
        ("--content-weight", text(contentWeight), text(asked.contentWeight)),
        ("--style-weight", text(styleWeight), text(asked.styleWeight)),
        ("--lr", text(lr), text(asked.lr)),
        ("--lr-steps", steps(lrSteps), steps(asked.lrSteps)),
        ("--beta1", text(beta1), text(asked.beta1)), ("--beta2", text(beta2), text(asked.beta2)),
        ("ranks (processes)", text(ranks), text(asked.ranks)),
      ]
      var differences = pairs.compactMap { option, run, wanted -> String? in
        guard let run, run != wanted else { return nil }
        return "\(option) \(run) (asked: \(wanted ?? "none"))"
      }
      if let vgg, vgg != asked.vgg {
        differences.append("--vgg another file (its fingerprint was \(vgg))")
      }
      return differences
    }
  }

  func settings(vggFingerprint: String, ranks: Int) -> RunSettings {
    RunSettings(
      norm: norm, imageSize: imageSize, batch: batch, seed: seed, initEpochs: initEpochs,
      contentWeight: contentWeight, styleWeight: styleWeight, lr: lr, lrSteps: decayEpochs,
      beta1: beta1, beta2: beta2, vgg: vggFingerprint, ranks: ranks)
  }
}
