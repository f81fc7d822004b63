// swift-tools-version:6.0
import PackageDescription

/// libFuzzer harnesses for DeepBayes's file readers (the package one folder up): one executable
/// per reader, each a single file that defines `LLVMFuzzerTestOneInput` and nothing else.
/// `Scripts/fuzz` builds them and runs them on the seed corpora in `Corpus/<harness>/`.
///
/// They only link when built with libFuzzer (`-sanitize=fuzzer`), which supplies the driver:
///
///     swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
///
/// `-parse-as-library` lets a target's one file hold no top-level code (and no `@main`).
/// SwiftPM links an executable with `main` defined as `<module>_main`, so libFuzzer's `main`
/// is never linked: `FuzzerMain` defines `fuzz_idx_main` and the others, which start
/// libFuzzer's driver as its `main` does.
func harness(_ name: String, _ dependencies: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzerMain"] + dependencies.map { .product(name: $0, package: "DeepBayes") },
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "DeepBayesFuzz",
    dependencies: [
        .package(name: "DeepBayes", path: ".."),
    ],
    targets: [
        .target(name: "FuzzerMain"),
        harness("fuzz-idx", ["DeepBayesData"]),
        harness("fuzz-safetensors", ["DeepBayesFiles"]),
        harness("fuzz-checkpoint", ["DeepBayesCore", "DeepBayesFiles", "DeepBayesTraining"]),
        harness("fuzz-png", ["DeepBayesFiles", "DeepBayesData"]),
    ],
    swiftLanguageModes: [.v5]
)
