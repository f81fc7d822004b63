import Foundation

/// The machine's memory as Linux reports it in `/proc/meminfo` (nil elsewhere): what a backend
/// whose tensors live in host memory reports in its capabilities.
public enum HostMemory {
    /// `MemTotal` and `MemAvailable` in bytes (the file gives kibibytes).
    public static func read() -> (total: Int?, available: Int?) {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return (nil, nil) }
        func field(_ name: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let kibibytes = Int(parts[1]) else { return nil }
            return kibibytes * 1024
        }
        return (field("MemTotal"), field("MemAvailable"))
    }
}
