import ArgumentParser
import CelCore
import Foundation
import Imaging
import Stages
import Training

/// `cel-train`: CartoonGAN training on a style set and a photo set, with checkpoints that
/// let a run stop anywhere and continue exactly where it stopped.
///
/// Epochs `0..<init-epochs` train the generator on the content loss alone; the rest are
/// adversarial. After every epoch: a checkpoint, and a sample grid of fixed photos and
/// their cartoons; after every step: a row of `metrics.csv`. Loading the next batch
/// overlaps the current step.
package struct TrainStage: Sendable {
  package static let name = "train"
  package var options: TrainOptions
  package var isQuiet = false

  package init(options: TrainOptions) { self.options = options }

  package func run() async throws -> StageOutcome {
    // Here, not in train: the trainer's tensors must be gone first.
    defer { TorchRuntime.releaseCachedMemory() }
    return try await train()
  }

  private func train() async throws -> StageOutcome {
    guard let vggPath = options.vgg else {
      throw ValidationError(TrainOptions.missingVGG)
    }
    let vgg = try VGGWeights.load(URL(fileURLWithPath: vggPath))
    let data = try TrainingData(
      style: URL(fileURLWithPath: options.style), photos: URL(fileURLWithPath: options.photos),
      sampleCount: options.samples)
    guard data.photos.count >= options.batch else {
      throw CelError.invalidInput(
        options.photos,
        reason: "has \(data.photos.count) train photos, fewer than --batch \(options.batch)")
    }
    let run = URL(fileURLWithPath: options.run)
    TorchRuntime.prepare(
      threads: options.threads ?? ProcessInfo.processInfo.activeProcessorCount, cachingMemory: true)
    let trainer = try Trainer(options: options.trainerOptions)
    try vgg.install(in: trainer)
    let position = try prepare(run, trainer: trainer)

    let variant: Generator.Variant =
      options.norm == .batch ? .trainedBatchNorm : .trainedInstanceNorm
    let metrics = try MetricsLog(
      run.appendingPathComponent("metrics.csv"), keepingBefore: position.epoch,
      batch: position.batch)
    let board = try TensorBoardWriter(folder: run.appendingPathComponent("tb"))
    let stop = StopSignal()
    let totalEpochs = options.initEpochs + options.epochs
    var steps = 0
    for epoch in position.epoch..<totalEpochs {
      let rates = rates(at: epoch)
      trainer.setRates(generator: rates, discriminator: rates)
      let batches = data.batches(epoch: epoch, size: options.batch, seed: options.seed)
      let first = epoch == position.epoch ? position.batch : 0
      let initialisation = epoch < options.initEpochs
      let progress = ProgressReporter(
        "train epoch \(epoch + 1)/\(totalEpochs) on \(trainer.device)\(initialisation ? " (init)" : "")",
        total: batches.count - first, quiet: isQuiet)
      let size = options.imageSize
      var next: Task<(photos: [Float], styles: [Float], smoothed: [Float]), any Error>? =
        first < batches.count
        ? Task { [batch = batches[first]] in try TrainingData.load(batch, size: size) } : nil
      for index in first..<batches.count {
        guard let loading = next else { break }
        let batch = try await loading.value
        next =
          index + 1 < batches.count
          ? Task { [items = batches[index + 1]] in try TrainingData.load(items, size: size) } : nil
        let started = Date()
        let losses = try trainer.step(
          initialisation: initialisation, photos: batch.photos, styles: batch.styles,
          smoothed: batch.smoothed, batch: options.batch, size: size)
        try metrics.append(
          epoch: epoch, batch: index, initialisation: initialisation, losses: losses,
          seconds: Date().timeIntervalSince(started))
        steps += 1
        let step = epoch * batches.count + index
        try board.scalars(
          [
            ("loss/content", losses.content), ("loss/style", losses.style),
            ("loss/generator_adversarial", losses.generatorAdversarial),
            ("loss/discriminator", losses.discriminator), ("accuracy/real", losses.realAccuracy),
            ("accuracy/smooth", losses.smoothAccuracy), ("accuracy/fake", losses.fakeAccuracy),
            ("time/seconds_per_step", Float(Date().timeIntervalSince(started))),
          ], step: step)
        progress.advance(note: String(format: "content %.3f", losses.content))
        if stop.isRequested {
          next?.cancel()
          let resumeAt = index + 1 < batches.count ? (epoch, index + 1) : (epoch + 1, 0)
          try checkpoint(trainer, at: resumeAt, rate: rates, variant: variant, in: run)
          throw CelError.interrupted(
            "checkpoint saved at epoch \(resumeAt.0 + 1), batch \(resumeAt.1 + 1); run again with --resume"
          )
        }
      }
      try checkpoint(trainer, at: (epoch + 1, 0), rate: rates, variant: variant, in: run)
      if let grid = try writeSamples(trainer, data: data, epoch: epoch, in: run) {
        let image = try Image.read(grid)
        try board.image(
          "samples", png: try Data(contentsOf: grid), width: image.width, height: image.height,
          step: (epoch + 1) * batches.count)
      }
      progress.finish("epoch done")
    }
    return .ran(
      StageRecord(
        stage: Self.name, parameters: ["run": run.path, "device": trainer.device],
        inputFingerprint: "",
        counts: ["steps": steps, "epochs": totalEpochs - position.epoch]))
  }

  /// The learning rate of `epoch`: divided by 10 at each `--lr-steps` epoch passed.
  func rates(at epoch: Int) -> Float {
    options.decayEpochs.filter { epoch >= $0 }.reduce(options.lr) { rate, _ in rate / 10 }
  }

  /// Creates the run folder, or checks a resumed one and restores its latest checkpoint;
  /// returns where training starts.
  private func prepare(_ run: URL, trainer: Trainer) throws -> (epoch: Int, batch: Int) {
    let settingsURL = run.appendingPathComponent("run.json")
    let latest = try Checkpoint.latest(in: run)
    guard options.resume else {
      if latest != nil || FileManager.default.fileExists(atPath: settingsURL.path) {
        throw CelError.cannotWrite(
          run.path,
          reason: "holds a run already: add --resume to continue it, or choose another --run")
      }
      try FileIO.createDirectory(run)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try FileIO.writeAtomically(try encoder.encode(options.settings), to: settingsURL)
      return (0, 0)
    }
    guard let data = FileManager.default.contents(atPath: settingsURL.path),
      let settings = try? JSONDecoder().decode(TrainOptions.RunSettings.self, from: data)
    else {
      throw CelError.invalidInput(run.path, reason: "is not a cel-train run folder (no run.json)")
    }
    guard settings == options.settings else {
      throw CelError.invalidInput(
        run.path,
        reason:
          "was started with --norm \(settings.norm.rawValue) --image-size \(settings.imageSize) --batch \(settings.batch) --seed \(settings.seed) --init-epochs \(settings.initEpochs) and weights \(settings.contentWeight)/\(settings.styleWeight); resume it with the same"
      )
    }
    guard let latest else { return (0, 0) }
    try Checkpoint.restore(latest.weights, checkpoint: latest.checkpoint, into: trainer)
    return (latest.checkpoint.epoch, latest.checkpoint.batch)
  }

  private func checkpoint(
    _ trainer: Trainer, at position: (Int, Int), rate: Float, variant: Generator.Variant,
    in run: URL
  ) throws {
    let steps = trainer.steps
    let checkpoint = Checkpoint(
      epoch: position.0, batch: position.1, generatorSteps: steps.generator,
      discriminatorSteps: steps.discriminator, generatorRate: rate, discriminatorRate: rate)
    try checkpoint.save(trainer, variant: variant, in: run)
  }

  /// `samples/epoch-E.png`: the fixed photos on top, their cartoons below.
  private func writeSamples(_ trainer: Trainer, data: TrainingData, epoch: Int, in run: URL) throws
    -> URL?
  {
    let size = options.imageSize
    let photos = try data.samples.flatMap { try TrainingData.planes($0, size: size) }
    guard !photos.isEmpty else { return nil }
    let cartoons = try trainer.generate(
      photos, batch: data.samples.count, height: size, width: size)
    let columns = data.samples.count
    let picture = 3 * size * size
    var grid = PixelBuffer(width: columns * size, height: 2 * size, filledWith: [0, 0, 0])
    for (row, values) in [photos, cartoons].enumerated() {
      for column in 0..<columns {
        let planes = Array(values[(column * picture)..<((column + 1) * picture)])
        grid.paste(
          PlanarImage(width: size, height: size, values: planes).pixels(swappingChannels: true),
          x: column * size, y: row * size)
      }
    }
    let folder = run.appendingPathComponent("samples")
    try FileIO.createDirectory(folder)
    let url = folder.appendingPathComponent(String(format: "epoch-%04d.png", epoch + 1))
    try Image(grid).write(to: url)
    return url
  }
}
