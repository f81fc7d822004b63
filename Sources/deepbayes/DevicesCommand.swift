import ArgumentParser
import DeepBayesBackends

/// `deepbayes devices`: every registered backend and, for each, the devices it can use.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List every backend and its devices (for OpenCL: each platform and device).")

    func run() throws {
        print(DeviceListing.text(for: standardRegistry))
    }
}

/// The human-readable device listing shared by `devices` and the error for a bad `--device`.
enum DeviceListing {
    static func text(for registry: BackendRegistry) -> String {
        var lines: [String] = []
        for factory in registry.factories {
            lines.append("\(factory.name) — \(factory.summary)")
            do {
                for device in try factory.devices() {
                    lines.append("  --device \(device.selector)")
                    for (label, value) in device.facts {
                        lines.append("      \(label): \(value)")
                    }
                }
            } catch let error as DeepBayesError {
                lines.append("  (unavailable: \(error))")
            } catch {
                lines.append("  (unavailable: \(error))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
