/// Observing and constraining the device memory pool, for tests of behaviour under memory
/// pressure. The pool belongs to the device's process-wide runtime, so both act on every
/// `OpenCLBackend` of this device.
extension OpenCLBackend {
    /// Simulates a device with `bytes` of memory (nil: no limit beyond the device's own): live
    /// buffers plus idle pooled ones may not exceed it. An allocation that would is retried
    /// after releasing the idle buffers, then throws `DeepBayesError.allocationTooLarge` with
    /// `limit: bytes`.
    public func setMemoryLimitForTesting(bytes: Int?) {
        runtime.memory.capacityLimitBytes = bytes
    }

    /// Bytes of device memory held in idle pooled buffers, kept for reuse; 0 right after the
    /// pool released them under memory pressure.
    public var idleBufferBytes: Int { runtime.memory.idleBufferBytes }
}
