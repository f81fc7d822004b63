import Foundation

/// The machine's memory as Linux reports it in `/proc/meminfo` (nil elsewhere): what a backend
/// whose tensors live in host memory reports in its capabilities; and what this process may
/// allocate, the smaller of that and its resource limits (`ulimit -v`, `ulimit -d`).
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

    /// The most this process can hold: the machine's memory, lowered by the address-space and
    /// data-segment limits when they are set (nil if none of them is known).
    public static func processLimit() -> Int? {
        let limits = [read().total, resourceLimit(RLIMIT_AS), resourceLimit(RLIMIT_DATA)].compactMap { $0 }
        return limits.min()
    }

    /// The soft limit `resource` sets, in bytes, or nil when it is unlimited.
    static func resourceLimit(_ resource: __rlimit_resource) -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}
