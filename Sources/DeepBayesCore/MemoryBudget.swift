/// The memory a piece of work will take, estimated before anything is allocated, checked
/// against what the device and this process can hold.
///
/// Sizes that come from outside (options, a checkpoint's model description, a file's header)
/// are multiplied out in `Double`, so no product of them can overflow or trap, whatever the
/// numbers; only a size that passes the check is then turned into tensors.
///
/// - `device` bytes live where the backend computes (its tensors) and must fit the device's
///   memory; the largest single tensor must also fit its largest allocation.
/// - `host` bytes live in this process (datasets, images being written). On a backend whose
///   device is the CPU the device bytes are host bytes too, so there the sum must fit.
///
/// The limit of the process is `HostMemory.processLimit()`: the machine's memory, lowered by
/// `ulimit -v` or `ulimit -d` when set.
public struct MemoryBudget: Sendable {
    /// Bytes of tensors on the device.
    public var device: Double
    /// Bytes of the largest single tensor on the device.
    public var largestTensor: Double
    /// Bytes in host memory besides the device's.
    public var host: Double

    public init(device: Double = 0, largestTensor: Double = 0, host: Double = 0) {
        self.device = device
        self.largestTensor = largestTensor
        self.host = host
    }

    /// The bytes of `count` floats.
    public static func floats(_ count: Double) -> Double { count * Double(MemoryLayout<Float>.stride) }

    /// Throws `exceedsMemory` naming `subject` when the estimate does not fit `capabilities`
    /// (of the backend called `backend`) or this process; `processLimit` is
    /// `HostMemory.processLimit()` unless a test gives another.
    public func check(_ subject: String, capabilities: BackendCapabilities, backend: String,
                      processLimit: Int? = HostMemory.processLimit()) throws {
        let onHost = capabilities.deviceKind == .cpu
        if let limit = capabilities.maximumAllocationBytes, largestTensor > Double(limit) {
            throw DeepBayesError.exceedsMemory(subject: subject + " (its largest tensor)", bytes: largestTensor, limit: limit,
                                               holder: "largest allocation of the \(backend) device")
        }
        if let limit = capabilities.totalMemoryBytes, device > Double(limit) {
            throw DeepBayesError.exceedsMemory(subject: subject, bytes: device, limit: limit, holder: "\(backend) device")
        }
        try Self.checkHost(host + (onHost ? device : 0), subject, processLimit: processLimit)
    }

    /// Throws `exceedsMemory` naming `subject` when `bytes` of host memory do not fit this
    /// process (`HostMemory.processLimit()` unless a test gives another limit).
    public static func checkHost(_ bytes: Double, _ subject: String, processLimit: Int? = HostMemory.processLimit()) throws {
        if let limit = processLimit, bytes > Double(limit) {
            throw DeepBayesError.exceedsMemory(subject: subject, bytes: bytes, limit: limit, holder: "host memory of this process")
        }
    }
}
