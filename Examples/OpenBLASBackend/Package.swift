// swift-tools-version:6.0
import PackageDescription

/// An out-of-tree DeepBayes backend: the fifteen primitives on the host, with the matrix
/// product and the convolutions on OpenBLAS's `cblas_sgemm`, built as the plugin
/// `libdeepbayes-backend-openblas.so` that the shipped `deepbayes` loads at run time.
///
/// The plugin links the shared `DeepBayes` product (`libDeepBayes.so`), never a static
/// DeepBayes library, so the process that loads it has one copy of the SDK's types.
let package = Package(
    name: "OpenBLASBackend",
    products: [
        .library(name: "deepbayes-backend-openblas", type: .dynamic, targets: ["OpenBLASBackend"]),
    ],
    dependencies: [
        .package(name: "DeepBayes", path: "../.."),
    ],
    targets: [
        .systemLibrary(
            name: "CBLASLibrary",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "OpenBLASBackend",
            dependencies: [.product(name: "DeepBayes", package: "DeepBayes"), "CBLASLibrary"]
        ),
        .testTarget(
            name: "OpenBLASBackendTests",
            dependencies: ["OpenBLASBackend", .product(name: "DeepBayes", package: "DeepBayes")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
