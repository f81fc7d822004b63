// swift-tools-version:6.0
import PackageDescription

/// What DeepBayes ships: the `deepbayes` and `deepbayes-bench` executables, which link the
/// shared `libDeepBayes.so` from the package one folder up, and the backend plugins they load
/// at run time: OpenCL (so the executables themselves need no OpenCL library) and, on x86-64,
/// the CPU backend built for the x86-64-v3 and -v4 instruction-set levels (the best one the
/// machine runs is chosen at start, the portable built-in one otherwise).
///
/// A plugin is a dynamic library product named `deepbayes-backend-NAME[_VARIANT]`; its
/// sources are the backend's own (symbolic links to `../Sources/<Backend>`: SwiftPM wants
/// target names unique across packages, hence the new names), compiled with
/// `DEEPBAYES_BACKEND_PLUGIN` so that they export the plugin entry point.
let shared: Target.Dependency = .product(name: "DeepBayes", package: "DeepBayes")
let pluginDefine: SwiftSetting = .define("DEEPBAYES_BACKEND_PLUGIN")

/// The CPU backend built for x86-64 level `level` (`-march=x86-64-vN`, which Swift takes from its C importer).
func cpuVariant(_ level: Int) -> (product: Product, target: Target) {
    let target = "DeepBayesCPUv\(level)"
    return (.library(name: "deepbayes-backend-cpu_x86-64-v\(level)", type: .dynamic, targets: [target]),
            .target(name: target, dependencies: [shared],
                    swiftSettings: [pluginDefine, .define("DEEPBAYES_X86_64_V\(level)"),
                                    .unsafeFlags(["-Xcc", "-march=x86-64-v\(level)", "-Xcc", "-fno-math-errno"])]))
}

/// Plugins the tests load: built as `libfixture-NAME.so`, which the search path ignores; the
/// tests copy them into temporary folders under plugin names.
let fixtures = ["ForeignPlugin", "NoEntryPlugin", "StalePlugin", "ThrowingPlugin", "TwinPlugin"]

#if arch(x86_64)
let cpuVariants = [cpuVariant(3), cpuVariant(4)]
#else
let cpuVariants: [(product: Product, target: Target)] = []
#endif

let package = Package(
    name: "DeepBayesDistribution",
    products: [
        .executable(name: "deepbayes", targets: ["deepbayes"]),
        .executable(name: "deepbayes-bench", targets: ["deepbayes-bench"]),
        .library(name: "deepbayes-backend-opencl", type: .dynamic, targets: ["DeepBayesOpenCLPlugin"]),
    ] + cpuVariants.map(\.product) + fixtures.map { .library(name: "fixture-\($0)", type: .dynamic, targets: [$0]) },
    dependencies: [
        .package(name: "DeepBayes", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenCLLoader", pkgConfig: "OpenCL", providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "DeepBayesOpenCLPlugin", dependencies: [shared, "COpenCLLoader"], swiftSettings: [pluginDefine]),
        .executableTarget(name: "deepbayes", dependencies: [shared]),
        .executableTarget(
            name: "deepbayes-bench",
            dependencies: [shared, "COpenBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "DistributionTests", dependencies: [shared]),
    ] + cpuVariants.map(\.target) + fixtures.map { .target(name: $0, dependencies: [shared], path: "Tests/Fixtures/\($0)") },
    swiftLanguageModes: [.v5]
)
