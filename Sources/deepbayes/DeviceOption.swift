import ArgumentParser
import DeepBayesBackends
import Foundation

/// The `--device cpu|opencl|opencl:N` option every computing subcommand takes.
struct DeviceOption: ParsableArguments {
    @Option(name: .long, help: "Backend and device: cpu, opencl (first GPU, else first device) or opencl:N (see `deepbayes devices`).")
    var device: String = "cpu"

    /// Creates the backend, or exits with status 1 and a message saying what is available.
    func makeBackend() throws -> any Backend {
        do {
            return try standardRegistry.makeBackend(device)
        } catch let error as DeepBayesError {
            let help = """
            error: \(error)
            available devices:
            \(DeviceListing.text(for: standardRegistry))
            OpenCL needs an ICD: on Debian/Ubuntu `apt-get install ocl-icd-opencl-dev opencl-headers pocl-opencl-icd` (PoCL, CPU) or your GPU vendor's OpenCL driver.
            """
            FileHandle.standardError.write(Data((help + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
