// swift-tools-version:6.0
import PackageDescription

let argumentParser = Target.Dependency.product(
  name: "ArgumentParser", package: "swift-argument-parser")

/// The command-line faces of the stages: each parses, validates, calls one stage, prints.
let commands = ["cel", "cel-extract", "cel-tile", "cel-smooth", "cel-split"]

let package = Package(
  name: "Celshade",
  platforms: [.macOS(.v15)],
  products: commands.map { .executable(name: $0, targets: [$0]) },
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // System libraries and bridges.
    .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat"),
    // OpenCV's headers are C++, seen only by this bridge. It links the three libraries it
    // uses: opencv4's pkg-config list would load some 300 libraries at every start.
    .target(
      name: "CImageBridge",
      cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-O2"])],
      linkerSettings: [
        .linkedLibrary("opencv_imgcodecs"), .linkedLibrary("opencv_imgproc"),
        .linkedLibrary("opencv_core"),
      ]),

    // Swift wrappers, one C dependency each.
    .target(name: "CelCore"),
    .target(name: "Video", dependencies: ["CFFmpeg", "CelCore"]),
    .target(name: "Imaging", dependencies: ["CImageBridge", "CelCore"]),

    // The stages, composed from the wrappers.
    .target(
      name: "Stages",
      dependencies: [
        "CelCore", "Video", "Imaging", argumentParser,
        .product(name: "Yams", package: "Yams"),
      ]),

    // Tools: the sample film's renderer and the image benchmark.
    .executableTarget(name: "make-sample", dependencies: ["Video", "CelCore", argumentParser]),
    .executableTarget(
      name: "cel-bench", dependencies: ["Imaging", "CelCore", argumentParser],
      path: "Benchmarks/cel-bench"),

    // Tests. TestSupport renders the small videos the tests decode.
    .target(name: "TestSupport", dependencies: ["Video", "CelCore"], path: "Tests/TestSupport"),
    .testTarget(name: "CelCoreTests", dependencies: ["CelCore", "TestSupport"]),
    .testTarget(name: "VideoTests", dependencies: ["Video", "CelCore", "TestSupport"]),
    .testTarget(
      name: "ImagingTests",
      dependencies: ["Imaging", "Video", "CelCore", "CImageBridge", "TestSupport"],
      exclude: ["Reference"]),
    .testTarget(
      name: "StagesTests",
      dependencies: ["Stages", "Video", "Imaging", "CelCore", "TestSupport"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: commands.map { .target(name: $0) } + ["Stages", "CelCore", "TestSupport"],
      resources: [.copy("Snapshots")]),
  ]
    + commands.map { .executableTarget(name: $0, dependencies: ["Stages", argumentParser]) },
  swiftLanguageModes: [.v6]
)
