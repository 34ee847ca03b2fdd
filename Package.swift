// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Celshade",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "cel", targets: ["cel"]),
    .executable(name: "cel-extract", targets: ["cel-extract"]),
  ],
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

    // Stages and their command-line faces.
    .target(
      name: "Stages",
      dependencies: [
        "CelCore", "Video", "Imaging",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ]),
    .executableTarget(
      name: "cel",
      dependencies: ["Stages", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(
      name: "cel-extract",
      dependencies: ["Stages", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(
      name: "make-sample",
      dependencies: [
        "Video", "CelCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // Tests. TestSupport renders the small videos the tests decode.
    .target(name: "TestSupport", dependencies: ["Video", "CelCore"], path: "Tests/TestSupport"),
    .testTarget(name: "CelCoreTests", dependencies: ["CelCore", "TestSupport"]),
    .testTarget(name: "VideoTests", dependencies: ["Video", "CelCore", "TestSupport"]),
    .testTarget(
      name: "ImagingTests", dependencies: ["Imaging", "CelCore", "CImageBridge", "TestSupport"]),
    .testTarget(
      name: "StagesTests",
      dependencies: ["Stages", "Video", "Imaging", "CelCore", "TestSupport"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["cel", "cel-extract", "Stages", "CelCore", "TestSupport"],
      resources: [.copy("Snapshots")]),
  ],
  swiftLanguageModes: [.v6]
)
