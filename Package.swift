// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Swift SIMD types lower to vector FMA only when the compiler may use the CPU's vector
/// features; without them `addingProduct` becomes one library call per lane. On x86-64 we
/// therefore build for the CPU doing the build (`native`, like `-march=native`); set
/// `DEEPBAYES_TARGET_CPU` (for example `haswell`: AVX2 + FMA) to build a binary for other
/// machines.
/// arm64's baseline already includes NEON, so it needs no flag.
/// On every architecture `-fno-math-errno` lets `squareRoot()` (the C builtin `sqrtf` behind
/// it) be one vector square root: with C's `errno`, each lane is a scalar root plus a branch
/// to `sqrtf` for negative inputs. Swift never reads `errno`, so nothing else changes.
let simdSettings: [SwiftSetting] = {
    var flags = ["-Xcc", "-fno-math-errno"]
    #if arch(x86_64)
    flags += ["-target-cpu", ProcessInfo.processInfo.environment["DEEPBAYES_TARGET_CPU"] ?? "native"]
    #endif
    return [.unsafeFlags(flags)]
}()

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
        .executable(name: "deepbayes", targets: ["deepbayes"]),
        .executable(name: "deepbayes-bench", targets: ["deepbayes-bench"]),
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
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "DeepBayesCore"),
        .target(name: "DeepBayesCPU", dependencies: ["DeepBayesCore"], swiftSettings: simdSettings),
        .target(name: "DeepBayesReferenceBackend", dependencies: ["DeepBayesCore"]),
        .target(name: "DeepBayesBackendConformance", dependencies: ["DeepBayesCore", "DeepBayesNN", "DeepBayesReferenceBackend"]),
        .target(name: "DeepBayesOpenCL", dependencies: ["DeepBayesCore", "COpenCL"]),
        .target(name: "DeepBayesNN", dependencies: ["DeepBayesCore"]),
        .target(name: "DeepBayesModels", dependencies: ["DeepBayesCore", "DeepBayesNN"]),
        .target(name: "DeepBayesFiles", dependencies: ["DeepBayesCore", "CZlib"]),
        .target(name: "DeepBayesData", dependencies: ["DeepBayesCore", "CZlib"]),
        .target(name: "DeepBayesTraining", dependencies: ["DeepBayesCore", "DeepBayesNN", "DeepBayesModels", "DeepBayesData", "DeepBayesFiles"]),
        .target(name: "DeepBayesBackends", dependencies: ["DeepBayesCore", "DeepBayesCPU", "DeepBayesOpenCL", "DeepBayesReferenceBackend"]),
        .executableTarget(
            name: "deepbayes",
            dependencies: [
                "DeepBayesBackends",
                "DeepBayesTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "deepbayes-bench",
            dependencies: [
                "DeepBayesBackends",
                "DeepBayesData",
                "DeepBayesTraining",
                "COpenBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "DeepBayesTests",
            dependencies: ["DeepBayesCore", "DeepBayesNN", "DeepBayesModels", "DeepBayesFiles", "DeepBayesData", "CZlib",
                           "DeepBayesBackends", "DeepBayesOpenCL", "DeepBayesTraining", "DeepBayesReferenceBackend",
                           "DeepBayesBackendConformance", "deepbayes"],
            swiftSettings: simdSettings
        ),
    ],
    swiftLanguageModes: [.v5]
)
