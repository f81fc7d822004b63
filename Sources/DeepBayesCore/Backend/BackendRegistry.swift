import Foundation

/// One device a backend can run on, as `deepbayes devices` lists it.
public struct DeviceInfo: Sendable, CustomStringConvertible {
    /// What to pass to `--device` to pick this device (`cpu`, `opencl:1`).
    public let selector: String
    /// The device's own name (the processor's model, the GPU's product name).
    public let name: String
    /// Typed facts: kind, memory, limits, native fused kernels.
    public let capabilities: BackendCapabilities
    /// Further facts in the order they are shown (platform, driver version, threads).
    public let details: [(key: String, value: String)]

    public init(selector: String, name: String, capabilities: BackendCapabilities, details: [(String, String)] = []) {
        self.selector = selector
        self.name = name
        self.capabilities = capabilities
        self.details = details.map { (key: $0.0, value: $0.1) }
    }

    /// Every fact as `(label, value)`: the name, the capabilities, then the details.
    public var facts: [(label: String, value: String)] {
        [(label: "name", value: name)] + capabilities.summary + details.map { (label: $0.key, value: $0.value) }
    }

    public var description: String {
        selector + ": " + facts.map { "\($0.label)=\($0.value)" }.joined(separator: ", ")
    }
}

/// A kind of backend that can be created by name.
public struct BackendFactory: Sendable {
    /// The registry name (`cpu`, `opencl`); `--device NAME` or `--device NAME:INDEX`.
    public let name: String
    /// One line on what it is.
    public let summary: String
    /// Creates the backend on device `index` (nil: the backend's default device).
    public let make: @Sendable (_ index: Int?) throws -> any Backend
    /// Lists the devices, or throws `backendUnavailable` saying why there are none.
    public let devices: @Sendable () throws -> [DeviceInfo]
    /// Which build this is, when several builds share the name (nil: the only one).
    public let variant: BackendVariant?
    /// Where the factory comes from: `built in`, or the plugin's path.
    public var origin: String

    public init(name: String, summary: String, variant: BackendVariant? = nil,
                make: @escaping @Sendable (_ index: Int?) throws -> any Backend,
                devices: @escaping @Sendable () throws -> [DeviceInfo]) {
        self.name = name
        self.summary = summary
        self.variant = variant
        self.origin = "built in"
        self.make = make
        self.devices = devices
    }
}

/// A backend that was found but is not used, and why: a plugin that did not load, two plugins
/// with one name, a variant this machine cannot run or a better one replaces.
public struct SkippedBackend: Sendable, CustomStringConvertible {
    /// The backend's name, when known (from the plugin's file name if it did not load).
    public let name: String?
    /// Where it was found: a plugin's path, or `built in`.
    public let origin: String
    /// One line: what went wrong.
    public let reason: String
    /// How to fix it, when there is a known way.
    public let hint: String?

    public init(name: String?, origin: String, reason: String, hint: String? = nil) {
        self.name = name
        self.origin = origin
        self.reason = reason
        self.hint = hint
    }

    public var description: String { "\(origin): \(reason)" + (hint.map { " (\($0))" } ?? "") }
}

/// The backends known to a program, found by name: the factories it can use, and those it
/// found but skipped, with the reason (so `--device` for one of them says why).
public struct BackendRegistry: Sendable {
    /// The usable factories in the order they were given, at most one per name.
    public let factories: [BackendFactory]
    /// Backends found but not used; a name here may also have a usable factory (a variant
    /// this machine cannot run beside one it can).
    public let skipped: [SkippedBackend]

    /// The backends made so far, one per device (see `makeBackend`).
    private let made = MadeBackends()

    public init(_ factories: [BackendFactory], skipped: [SkippedBackend] = []) {
        self.factories = factories
        self.skipped = skipped
    }

    /// The usable names.
    public var names: [String] { factories.map(\.name) }

    /// A device selector `NAME` or `NAME:INDEX` split at its first colon, keeping an empty
    /// index (`opencl:` is not `opencl`); `index` is nil without a colon.
    public static func parse(selector: String) -> (name: String, index: String?) {
        let colon = selector.firstIndex(of: ":")
        return (String(selector[..<(colon ?? selector.endIndex)]), colon.map { String(selector[selector.index(after: $0)...]) })
    }

    /// The usable factory named `name`, if any.
    public func factory(named name: String) -> BackendFactory? {
        factories.first { $0.name == name }
    }

    /// The backend for a device selector `NAME` or `NAME:INDEX`; `INDEX` must be decimal
    /// digits (`opencl:`, `opencl:x`, `opencl:-1`, `opencl:+1` are `invalidArgument`). One
    /// backend per device: asking this registry (or a copy of it) again for the same selector
    /// gives the same backend, so tensors of the two calls work together.
    public func makeBackend(_ selector: String) throws -> any Backend {
        try made.backend(for: selector) { try makeNewBackend(selector) }
    }

    /// A new backend for `selector` (the factory's own `make`).
    private func makeNewBackend(_ selector: String) throws -> any Backend {
        let (name, indexText) = Self.parse(selector: selector)
        guard let factory = factory(named: name) else {
            if let skip = skipped.first(where: { $0.name == name }) {
                throw DeepBayesError.backendUnavailable(name: name, reason: "\(skip.origin): \(skip.reason)", hint: skip.hint)
            }
            throw DeepBayesError.unknownBackend(name: selector, available: names)
        }
        var index: Int?
        if let indexText {
            guard !indexText.isEmpty, indexText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let value = Int(indexText) else {
                throw DeepBayesError.invalidArgument(operation: "device", reason: "'\(selector)': the device index must be a non-negative integer")
            }
            index = value
        }
        return try factory.make(index)
    }
}

/// The backends a registry has made, by selector. A backend is made once, under the lock, so
/// that two threads asking for one device get one backend.
private final class MadeBackends: @unchecked Sendable {
    private let lock = NSLock()
    private var backends: [String: any Backend] = [:]

    func backend(for selector: String, make: () throws -> any Backend) throws -> any Backend {
        lock.lock()
        defer { lock.unlock() }
        if let made = backends[selector] { return made }
        let backend = try make()
        backends[selector] = backend
        return backend
    }
}
