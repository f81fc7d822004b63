import ArgumentParser
import DeepBayesBackends

/// `deepbayes devices`: every registered backend and, for each, the devices it can use.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List every backend and its devices (for OpenCL: each platform and device).")

    func run() throws {
        print(DeviceListing.text(for: DeepBayesCLI.registry))
    }
}

/// The human-readable device listing shared by `devices` and the error for a bad `--device`:
/// each usable backend with where it comes from and its devices, then every backend that was
/// found but is not used, with the reason.
enum DeviceListing {
    static func text(for registry: BackendRegistry) -> String {
        var lines: [String] = []
        for factory in registry.factories {
            lines.append("\(factory.name) — \(factory.summary)")
            lines.append("  from: \(factory.origin)" + (factory.variant.map { " (variant \($0.label), score \($0.score))" } ?? ""))
            do {
                for device in try factory.devices() {
                    lines.append("  --device \(device.selector)")
                    for (label, value) in device.facts {
                        lines.append("      \(label): \(value)")
                    }
                }
            } catch {
                lines.append("  (unavailable: \(error))")
            }
        }
        if !registry.skipped.isEmpty {
            lines.append("found but not used:")
            for skip in registry.skipped {
                lines.append("  \(skip.name ?? "?"): \(skip.origin): \(skip.reason)")
                if let hint = skip.hint { lines.append("      hint: \(hint)") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
