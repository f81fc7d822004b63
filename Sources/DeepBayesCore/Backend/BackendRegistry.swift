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

    public init(name: String, summary: String,
                make: @escaping @Sendable (_ index: Int?) throws -> any Backend,
                devices: @escaping @Sendable () throws -> [DeviceInfo]) {
        self.name = name
        self.summary = summary
        self.make = make
        self.devices = devices
    }
}

/// The backends known to a program, found by name. `DeepBayesBackends.standardRegistry`
/// holds the built-in ones; a program may build its own registry with any factories.
public struct BackendRegistry: Sendable {
    /// The registered factories in the order they were given.
    public let factories: [BackendFactory]

    public init(_ factories: [BackendFactory]) { self.factories = factories }

    /// The registered names.
    public var names: [String] { factories.map(\.name) }

    /// Creates the backend for a device selector `NAME` or `NAME:INDEX`.
    public func makeBackend(_ selector: String) throws -> any Backend {
        let parts = selector.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, let factory = factories.first(where: { $0.name == name }) else {
            throw DeepBayesError.unknownBackend(name: selector, available: names)
        }
        var index: Int?
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 0 else {
                throw DeepBayesError.invalidArgument(operation: "device", reason: "'\(selector)': the device index must be a non-negative integer")
            }
            index = value
        }
        return try factory.make(index)
    }
}
