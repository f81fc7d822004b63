import ArgumentParser
import DeepBayesBackends
import Foundation

/// The `--device NAME[:INDEX]` option every computing subcommand takes (the names come from the registry).
struct DeviceOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Backend and device: \(DeepBayesCLI.registry.names.joined(separator: ", ")), or NAME:N for device N of a backend (see `deepbayes devices`).", valueName: "name[:index]"))
    var device: String = "cpu"

    /// Creates the backend, or exits with status 1 and a message saying what is available. An
    /// error of the backend's own type (a plugin's) is reported as the device being unavailable.
    func makeBackend() throws -> any Backend {
        let registry = DeepBayesCLI.registry
        do {
            return try registry.makeBackend(device)
        } catch {
            let typed = error as? DeepBayesError ?? .backendUnavailable(
                name: device, reason: (registry.factory(named: BackendRegistry.parse(selector: device).name).map { $0.origin + ": " } ?? "") + "\(error)",
                hint: (error as? any BackendError)?.hint)
            var help = "error: \(typed)\navailable devices:\n\(DeviceListing.text(for: registry))"
            if case .backendUnavailable = typed, let hint = typed.hint { help += "\nhint: \(hint)" }
            FileHandle.standardError.write(Data((help + "\n").utf8))
            throw ExitCode.failure
        }
    }
}
