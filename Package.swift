// swift-tools-version:6.0
import Foundation
import PackageDescription

let argumentParser = Target.Dependency.product(
  name: "ArgumentParser", package: "swift-argument-parser")

/// The command-line faces of the stages: each parses, validates, calls one stage, prints.
/// The data stages' commands do not link libtorch, which would add half a second to
/// every start.
let dataCommands = ["cel-extract", "cel-tile", "cel-smooth", "cel-split"]
let modelCommands = ["cel-import", "cel-apply", "cel-train", "cel-export"]
let commands = ["cel"] + dataCommands + modelCommands

/// libtorch: Debian's libtorch-dev, or the one `LIBTORCH` points at (a CUDA build, say),
/// laid out as the libtorch archives are (include/, lib/).
let libtorch = Context.environment["LIBTORCH"]
let torchIncludes =
  libtorch.map { ["-I\($0)/include", "-I\($0)/include/torch/csrc/api/include"] }
  ?? ["-I/usr/include/torch/csrc/api/include"]
/// A CUDA build registers its GPU kernels from libtorch_cuda when loaded; nothing calls into
/// it by name, so it is linked whether or not the linker sees a use.
let cudaLibrary = libtorch.map { "\($0)/lib/libtorch_cuda.so" }
let torchCUDA: [String] =
  if let cudaLibrary, FileManager.default.fileExists(atPath: cudaLibrary) {
    ["-Xlinker", "--push-state", "-Xlinker", "--no-as-needed", "-Xlinker", cudaLibrary]
      + ["-Xlinker", "--pop-state"]
  } else {
    []
  }
/// PyPI's wheel (LIBTORCH = site-packages/torch) has CUDA's and NCCL's headers and libraries
/// beside it, under site-packages/nvidia (cu13/, nccl/): with them the bridge compiles c10d's
/// NCCL process group and asks CUDA's runtime for a device's free memory.
let nvidia = libtorch.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path + "/nvidia" }
let cudaToolkit = nvidia.flatMap { folder in
  ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    .filter { $0.hasPrefix("cu") && $0.dropFirst(2).allSatisfy(\.isNumber) }
    .map { "\(folder)/\($0)" }
    .last { FileManager.default.fileExists(atPath: "\($0)/include/crt/host_config.h") }
}
let cudaRuntime = cudaToolkit.flatMap { toolkit in
  ((try? FileManager.default.contentsOfDirectory(atPath: "\(toolkit)/lib")) ?? [])
    .first { $0.hasPrefix("libcudart.so.") }
}
let ncclHeaders = nvidia.map { "\($0)/nccl/include" }
let withCUDA =
  !torchCUDA.isEmpty && cudaRuntime != nil
  && ncclHeaders.map { FileManager.default.fileExists(atPath: "\($0)/nccl.h") } == true
let cudaCompilerFlags: [String] =
  if withCUDA, let cudaToolkit, let ncclHeaders {
    ["-DCEL_WITH_CUDA", "-DUSE_C10D_NCCL", "-I\(cudaToolkit)/include", "-I\(ncclHeaders)"]
  } else {
    []
  }
let cudaLinkerFlags: [String] =
  if withCUDA, let cudaToolkit, let cudaRuntime {
    ["\(cudaToolkit)/lib/\(cudaRuntime)", "\(libtorch ?? "")/lib/libc10_cuda.so"]
      .flatMap { ["-Xlinker", $0] } + ["-Xlinker", "-rpath", "-Xlinker", "\(cudaToolkit)/lib"]
  } else {
    []
  }
/// Debian's libraries by name; another libtorch's by path, since the linker searches the
/// system's folders, where Debian's libtorch may be too, before any that -L adds.
let torchLibraries: [LinkerSetting] =
  libtorch == nil ? ["torch", "torch_cpu", "c10"].map { .linkedLibrary($0) } : []
/// Debian's oneDNN (libdnnl-dev), which Debian's libtorch is built on, for the generator's
/// blocked pass; PyPI's torch keeps its own oneDNN inside with its symbols hidden, so both
/// builds link Debian's.
let oneDNN: [LinkerSetting] = [.linkedLibrary("dnnl")]
let torchLinkerFlags =
  (libtorch.map { folder in
    ["torch", "torch_cpu", "c10"].flatMap { ["-Xlinker", "\(folder)/lib/lib\($0).so"] }
      + ["-Xlinker", "-rpath", "-Xlinker", "\(folder)/lib"]
  } ?? [])
  + torchCUDA + cudaLinkerFlags

let package = Package(
  name: "Celshade",
  platforms: [.macOS(.v15)],
  products: commands.map { .executable(name: $0, targets: [$0]) },
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    // System libraries and bridges.
    .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat"),
    // OpenCV's headers are C++, seen only by this bridge. It links the two libraries it
    // calls at every start (opencv4's pkg-config list would load some 300), and opens
    // imgcodecs, which brings GDAL, only when an image file is read or written.
    .target(
      name: "CImageBridge",
      cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-O2"])],
      linkerSettings: [.linkedLibrary("opencv_imgproc"), .linkedLibrary("opencv_core")]),

    .target(
      name: "CTorchBridge",
      cxxSettings: [.unsafeFlags(torchIncludes + cudaCompilerFlags + ["-O2"])],
      linkerSettings: torchLibraries + oneDNN + [.unsafeFlags(torchLinkerFlags)]),

    // Swift wrappers, one C dependency each.
    .target(name: "CelCore"),
    .target(name: "Video", dependencies: ["CFFmpeg", "CelCore"]),
    .target(name: "Imaging", dependencies: ["CImageBridge", "CelCore"]),
    .target(name: "Torch", dependencies: ["CTorchBridge", "CelCore"]),
    // ONNX's schema as Swift (generated from onnx.proto by Scripts/generate-onnx) and a
    // graph builder over it.
    .target(
      name: "ONNX", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
      exclude: ["onnx.proto"]),

    // The stages, composed from the wrappers: the data stages, the model stages, and the
    // driver that runs pipeline files naming both.
    .target(name: "DataStages", dependencies: ["CelCore", "Video", "Imaging", argumentParser]),
    .target(
      name: "ModelStages",
      dependencies: [
        "DataStages", "CelCore", "Video", "Imaging", "Torch", "ONNX", argumentParser,
      ]),
    .target(name: "Reports", dependencies: ["Imaging", "CelCore"]),
    // `cel serve`: the local studio in the browser, over Hummingbird, calling the stages in
    // this process.
    .target(
      name: "Studio",
      dependencies: [
        "DataStages", "ModelStages", "Reports", "Imaging", "CelCore",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      resources: ["index.html", "studio.css", "studio.js"].map { .embedInCode("Page/\($0)") }),
    .target(
      name: "Driver",
      dependencies: [
        "DataStages", "ModelStages", "CelCore", argumentParser,
        .product(name: "Yams", package: "Yams"),
      ]),

    // Tools: the sample film's renderer and the image benchmark.
    .executableTarget(name: "make-sample", dependencies: ["Video", "CelCore", argumentParser]),
    .executableTarget(
      name: "cel-bench", dependencies: ["Imaging", "Torch", "CelCore", argumentParser],
      path: "Benchmarks/cel-bench"),

    // Tests. TestSupport renders the small videos the tests decode.
    .target(
      name: "TestSupport", dependencies: ["Video", "Imaging", "DataStages", "CelCore"],
      path: "Tests/TestSupport"),
    .testTarget(name: "CelCoreTests", dependencies: ["CelCore", "TestSupport"]),
    .testTarget(name: "VideoTests", dependencies: ["Video", "CelCore", "TestSupport"]),
    .testTarget(
      name: "ImagingTests",
      dependencies: ["Imaging", "Video", "CelCore", "CImageBridge", "TestSupport"]),
    .testTarget(
      name: "DataStagesTests",
      dependencies: ["DataStages", "Driver", "Video", "Imaging", "CelCore", "TestSupport"]),
    .testTarget(
      name: "ModelTests",
      dependencies: [
        "ModelStages", "Torch", "CTorchBridge", "Reports", "Video", "Imaging", "CelCore",
        "TestSupport",
      ]),
    .testTarget(
      name: "StudioTests",
      dependencies: ["Studio", "DataStages", "Imaging", "CelCore", "TestSupport"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: commands.map { .target(name: $0) } + [
        "DataStages", "CelCore", "Video", "Imaging", "Torch", "TestSupport",
      ],
      exclude: ["Studio"],
      resources: [.copy("Snapshots")]),
  ]
    + [
      .executableTarget(
        name: "cel",
        dependencies: [
          "Driver", "Reports", "DataStages", "ModelStages", "Studio", "CelCore", argumentParser,
        ])
    ]
    + dataCommands.map {
      .executableTarget(name: $0, dependencies: ["DataStages", argumentParser])
    }
    + modelCommands.map {
      .executableTarget(
        name: $0, dependencies: ["ModelStages", "DataStages", "CelCore", argumentParser])
    },
  swiftLanguageModes: [.v6],
  // libtorch 2's ATen stops below C++20, and Debian's 1.13 headers fail under clang's C++20,
  // so the standard follows the libtorch in use. (SwiftPM passes this after a target's
  // unsafeFlags, so a -std there would not hold.)
  cxxLanguageStandard: libtorch == nil ? .cxx17 : .cxx20
)
