import ArgumentParser
import DeepBayesBackends
import Foundation

/// `deepbayes-bench`: validates every benchmarked kernel against its reference, then times it
/// (warm-up, median of several runs) and prints its throughput as a ratio to a reference
/// measured in the same process.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deepbayes-bench",
        abstract: "Kernel microbenchmarks with same-process references (OpenBLAS, memcpy, the CPU backend).")

    @Option(name: .long, help: "Backends to measure (repeatable): \(standardRegistry.names.joined(separator: ", ")) or NAME:N. Default: every backend found that starts, but the slow reference one.")
    var device: [String] = []

    @Option(name: .long, help: "Timed runs per measurement; the median is reported.")
    var runs: Int = 7

    @Option(name: .long, help: "Only benchmarks whose kernel or shape contains this text.")
    var filter: String?

    @Flag(name: .long, help: "Fewer and smaller shapes.")
    var quick = false

    @Flag(name: .long, help: "One JSON object per line instead of a table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp(
        "Also time whole training epochs, the \"train epoch\" rows of bnn with the local and the reparameterization estimator, mcdropout, vae and gan mlp: one warm-up epoch, then the median of N (so 1 + N epochs of each model). Add --filter epoch for those rows only.",
        valueName: "N"))
    var epochs = 0

    @Option(name: .long, help: ArgumentHelp(
        "JSON lines of Scripts/pytorch-reference.py: each row is printed beside the measured row of the same kernel and shape, with the ratio DeepBayes time / PyTorch time (below 1: DeepBayes is faster).",
        valueName: "file"))
    var pytorch: String?

    func validate() throws {
        // A median of 1000 timed runs is as stable as a median gets; more only takes hours.
        guard runs >= 1, runs <= 1000 else { throw ValidationError("--runs \(runs) must lie in 1...1000") }
        guard epochs >= 0, epochs <= 100 else { throw ValidationError("--epochs \(epochs) must lie in 0...100") }
    }

    func run() throws {
        var pytorchRows = try pytorch.map { try PyTorchRows(path: $0) }
        let host = CPUReference.backend
        var devices: [any Backend] = []
        for selector in device.isEmpty ? standardRegistry.names.filter({ $0 != "reference" }) : device {
            do {
                devices.append(selector == "cpu" ? host : try standardRegistry.makeBackend(selector))
            } catch {
                guard device.isEmpty else { throw error }
                FileHandle.standardError.write(Data("skipping \(selector): \(error)\n".utf8))
            }
        }
        var benchmarks = MatmulBenchmarks.all(quick: quick) + ConvBenchmarks.all() + BandwidthBenchmarks.all(quick: quick)
            + (try TrainingBenchmarks.all(quick: quick)) + (try LanguageModelBenchmarks.all()) + (epochs > 0 ? try EpochBenchmarks.all(runs: epochs) : [])
        if let filter {
            benchmarks = benchmarks.filter { $0.kernel.contains(filter) || $0.shape.contains(filter) }
        }
        let runner = BenchmarkRunner(runs: runs, host: host, backends: devices)
        let report = Report(json: json)
        var invalid = 0
        for benchmark in benchmarks {
            for backend in devices {
                let measurement = try runner.measure(benchmark, on: backend)
                report.print(measurement)
                if let row = pytorchRows?.row(matching: measurement) { report.print(row, beside: measurement) }
                if !(measurement.validationError <= BenchmarkRunner.validationTolerance) { invalid += 1 }
            }
        }
        if let pytorchRows, !pytorchRows.matchedAny {
            FileHandle.standardError.write(Data("no row of \(pytorchRows.path) has the kernel and shape of a measured row\n".utf8))
        }
        if invalid > 0 {
            FileHandle.standardError.write(Data("\(invalid) measurement(s) failed validation\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// The CPU backend, which is both a measured backend and the reference for the others.
enum CPUReference {
    static let backend: any Backend = try! standardRegistry.makeBackend("cpu")
}
