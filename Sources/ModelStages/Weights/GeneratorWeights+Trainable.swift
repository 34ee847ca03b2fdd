import CelCore

extension GeneratorWeights {
  /// The published network's weights as the trainable instance-norm network's, so that
  /// training can start from a published style.
  ///
  /// The layers are the same: convolutions and transposed convolutions keep their weights,
  /// with the first layer's input channels and the last layer's output channels reversed
  /// (the published network reads and draws BGR, the trainable one RGB). Each published
  /// norm, (x − mean) / (σ + 1e-9) · scale + shift with σ the population deviation,
  /// becomes PyTorch's affine instance norm, (x − mean) / √(σ² + 1e-5) · weight + bias,
  /// with weight = scale and bias = shift: the two differ only where a channel's σ is
  /// near √1e-5 or below.
  package func asTrainableInstanceNorm() throws -> GeneratorWeights {
    guard variant == .published else {
      guard variant == .trainedInstanceNorm else {
        throw CelError.invalidRequest(
          "a generator trained with batch norm cannot start instance-norm training")
      }
      return self
    }
    var mapped: [String: NumpyArray] = [:]
    func take(_ published: String, as trainable: String) throws {
      guard let tensor = tensors[published] else {
        throw CelError.invalidRequest("the published weights lack \(published)")
      }
      mapped[trainable] = tensor
    }
    func layer(_ published: String, _ trainable: String) throws {
      try take(published + ".weight", as: trainable + ".weight")
      try take(published + ".bias", as: trainable + ".bias")
    }
    func norm(_ published: String, _ trainable: String) throws {
      try take(published + ".scale", as: trainable + ".weight")
      try take(published + ".shift", as: trainable + ".bias")
    }
    try layer("conv01_1", "body.0")
    try norm("in01_1", "body.1")
    for (stage, first) in [(2, 3), (3, 7)] {
      try layer(String(format: "conv%02d_1", stage), "body.\(first)")
      try layer(String(format: "conv%02d_2", stage), "body.\(first + 1)")
      try norm(String(format: "in%02d_1", stage), "body.\(first + 2)")
    }
    for block in 4...11 {
      let body = "body.\(block + 7)"
      for half in 1...2 {
        try layer(String(format: "conv%02d_%d", block, half), "\(body).conv\(half)")
        try norm(String(format: "in%02d_%d", block, half), "\(body).norm\(half)")
      }
    }
    for (stage, first) in [(1, 19), (2, 23)] {
      try layer(String(format: "deconv%02d_1", stage), "body.\(first)")
      try layer(String(format: "deconv%02d_2", stage), "body.\(first + 1)")
      try norm(String(format: "in%02d_1", stage + 11), "body.\(first + 2)")
    }
    try layer("deconv03_1", "body.27")
    mapped["body.0.weight"] = mapped["body.0.weight"]?.reversingAxis(1)
    mapped["body.27.weight"] = mapped["body.27.weight"]?.reversingAxis(0)
    mapped["body.27.bias"] = mapped["body.27.bias"]?.reversingAxis(0)
    return GeneratorWeights(variant: .trainedInstanceNorm, tensors: mapped)
  }
}

extension NumpyArray {
  /// The array with the order of one axis reversed.
  package func reversingAxis(_ axis: Int) -> NumpyArray {
    let outer = shape[..<axis].reduce(1, *)
    let count = shape[axis]
    let inner = shape[(axis + 1)...].reduce(1, *)
    var values = self.values
    for o in 0..<outer {
      for i in 0..<count {
        let source = (o * count + i) * inner
        let target = (o * count + (count - 1 - i)) * inner
        values.replaceSubrange(
          target..<(target + inner), with: self.values[source..<(source + inner)])
      }
    }
    return NumpyArray(shape: shape, values: values)
  }
}
