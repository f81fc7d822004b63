// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The CPU backend's instruction-set level. Swift SIMD types lower to vector FMA only when the
/// compiler may use the CPU's vector features; without them `addingProduct` is one library call
/// per lane. A package that depends on DeepBayes by version gets the portable build (SwiftPM
/// refuses build flags in such dependencies); the shipped `deepbayes` (Distribution/) adds
/// plugin builds for x86-64-v3 and -v4 and picks the best the machine runs. For this package's
/// own tests and benchmarks set `DEEPBAYES_TARGET_CPU` to `x86-64-v2`, `x86-64-v3` or
/// `x86-64-v4`: the CPU backend and the tests are then built for that level, with
/// `-fno-math-errno` so that `squareRoot()` is one vector square root.
let cpuLevelSettings: [SwiftSetting] = {
    guard let level = ProcessInfo.processInfo.environment["DEEPBAYES_TARGET_CPU"], !level.isEmpty else { return [] }
    guard let number = ["x86-64-v2": 2, "x86-64-v3": 3, "x86-64-v4": 4][level] else {
        fatalError("DEEPBAYES_TARGET_CPU=\(level): use x86-64-v2, x86-64-v3 or x86-64-v4")
    }
    return [.define("DEEPBAYES_X86_64_V\(number)"), .unsafeFlags(["-Xcc", "-march=\(level)", "-Xcc", "-fno-math-errno"])]
}()

/// The modules a host program and its plugins share. A plugin links this one shared library
/// (`libDeepBayes.so`) instead of static DeepBayes libraries, so the process has one copy of
/// the SDK's types (see README, "Writing a backend, in its own package, as a plugin").
let sharedLibraryTargets = [
    "DeepBayesCore", "CCPUFeatures", "DeepBayesCPU", "DeepBayesReferenceBackend", "DeepBayesBackendConformance",
    "DeepBayesNN", "DeepBayesModels", "DeepBayesFiles", "DeepBayesData", "DeepBayesTraining",
    "DeepBayesBackends", "DeepBayesCLI",
]

let package = Package(
    name: "DeepBayes",
    products: [
        .library(name: "DeepBayesCore", targets: ["DeepBayesCore"]),
        .library(name: "DeepBayesBackends", targets: ["DeepBayesBackends"]),
        .library(name: "DeepBayesReferenceBackend", targets: ["DeepBayesReferenceBackend"]),
        .library(name: "DeepBayesBackendConformance", targets: ["DeepBayesBackendConformance"]),
        .library(name: "DeepBayesNN", targets: ["DeepBayesNN"]),
        .library(name: "DeepBayesModels", targets: ["DeepBayesModels"]),
        .library(name: "DeepBayesFiles", targets: ["DeepBayesFiles"]),
        .library(name: "DeepBayesData", targets: ["DeepBayesData"]),
        .library(name: "DeepBayesTraining", targets: ["DeepBayesTraining"]),
        .library(name: "DeepBayesCPU", targets: ["DeepBayesCPU"]),
        .library(name: "DeepBayesOpenCL", targets: ["DeepBayesOpenCL"]),
        .library(name: "DeepBayesCLI", targets: ["DeepBayesCLI"]),
        .library(name: "DeepBayes", type: .dynamic, targets: sharedLibraryTargets),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenCL",
            pkgConfig: "OpenCL",
            providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "DeepBayesCore"),
        .target(name: "CCPUFeatures"),
        .target(name: "DeepBayesCPU", dependencies: ["DeepBayesCore", "CCPUFeatures"], swiftSettings: cpuLevelSettings),
        .target(name: "DeepBayesReferenceBackend", dependencies: ["DeepBayesCore"]),
        .target(name: "DeepBayesBackendConformance", dependencies: ["DeepBayesCore", "DeepBayesNN", "DeepBayesReferenceBackend"]),
        .target(name: "DeepBayesOpenCL", dependencies: ["DeepBayesCore", "COpenCL"]),
        .target(name: "DeepBayesNN", dependencies: ["DeepBayesCore"]),
        .target(name: "DeepBayesModels", dependencies: ["DeepBayesCore", "DeepBayesNN"]),
        .target(name: "DeepBayesFiles", dependencies: ["DeepBayesCore", "CZlib"]),
        .target(name: "DeepBayesData", dependencies: ["DeepBayesCore", "CZlib"]),
        .target(name: "DeepBayesTraining", dependencies: ["DeepBayesCore", "DeepBayesNN", "DeepBayesModels", "DeepBayesData", "DeepBayesFiles"]),
        .target(name: "DeepBayesBackends", dependencies: ["DeepBayesCore", "DeepBayesCPU", "DeepBayesReferenceBackend"]),
        .target(
            name: "DeepBayesCLI",
            dependencies: [
                "DeepBayesBackends",
                "DeepBayesTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "DeepBayesTests",
            dependencies: ["DeepBayesCore", "DeepBayesNN", "DeepBayesModels", "DeepBayesFiles", "DeepBayesData", "CZlib",
                           "DeepBayesBackends", "DeepBayesOpenCL", "DeepBayesTraining", "DeepBayesReferenceBackend",
                           "DeepBayesBackendConformance", "DeepBayesCPU", "DeepBayesCLI"],
            swiftSettings: cpuLevelSettings
        ),
    ],
    swiftLanguageModes: [.v5]
)
