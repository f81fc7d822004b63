import ArgumentParser
import DeepBayesBackends
import Foundation

/// The `--device cpu|opencl|opencl:N` option every computing subcommand takes.
struct DeviceOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Backend and device: \(standardRegistry.names.joined(separator: ", ")), or NAME:N for device N of a backend (see `deepbayes devices`).", valueName: "name[:index]"))
    var device: String = "cpu"

    /// Creates the backend, or exits with status 1 and a message saying what is available.
    func makeBackend() throws -> any Backend {
        do {
            return try standardRegistry.makeBackend(device)
        } catch let error as DeepBayesError {
            var help = "error: \(error)\navailable devices:\n\(DeviceListing.text(for: standardRegistry))"
            if case .backendUnavailable = error, let hint = error.hint { help += "\nhint: \(hint)" }
            FileHandle.standardError.write(Data((help + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
