import Foundation

/// What kind of processor a backend computes on.
public enum DeviceKind: String, Sendable, CaseIterable {
    case cpu
    case gpu
    case accelerator
    case other
}

/// An element type a backend can store and compute in. DeepBayes computes in `float32` only
/// today; the type exists so that a second one arrives as a capability, not a protocol change.
public enum ElementType: String, Sendable, CaseIterable {
    case float32
}

/// The fused kernels of `Backend`: each has a default composed of primitives, and a backend
/// lists in `BackendCapabilities.nativeKernels` the ones it implements itself.
public enum FusedKernel: String, Sendable, CaseIterable, Comparable {
    case copy, affine, unaryBackward, expand
    case sum, softmax, logSoftmax, softmaxBackward, logSoftmaxBackward
    case crossEntropy, crossEntropyBackward, bceWithLogits, bceWithLogitsBackward
    case dropoutMask
    case sampleGaussian, sampleGaussianBackward, sampleLocal, sampleLocalBackward
    case klGaussian, klGaussianBackward, mixtureKL, mixtureKLBackward, klStandardNormal, klStandardNormalBackward
    case sampleWithKL, sampleWithKLBackward
    case sliceColumns, placeColumns, lstmCell, lstmCellBackward, gruCell, gruCellBackward
    case biasActivation, biasActivationBackward, batchNormStatistics, batchNormStatisticsBackward
    case sgdStep, adamStep, movingAverageStep, runningStatisticsUpdate

    public static func < (a: FusedKernel, b: FusedKernel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Typed facts about a backend's device, for callers that must refuse work that cannot fit
/// before starting it, and for `deepbayes devices`. A fact the device does not report is nil.
public struct BackendCapabilities: Sendable, Equatable {
    public var deviceKind: DeviceKind
    /// Memory the device has in all, in bytes.
    public var totalMemoryBytes: Int?
    /// Memory free now, in bytes, where the device says (read when the capabilities were taken).
    public var freeMemoryBytes: Int?
    /// The largest single buffer the device can allocate, in bytes.
    public var maximumAllocationBytes: Int?
    /// The most work-items in one work-group (devices with work-groups only).
    public var maximumWorkGroupSize: Int?
    /// Parallel compute units (cores, or a GPU's multiprocessors).
    public var computeUnits: Int?
    /// The fused kernels the backend runs natively; the others use `FusedDefaults`.
    public var nativeKernels: Set<FusedKernel>
    /// The element types tensors may have.
    public var elementTypes: [ElementType]

    public init(deviceKind: DeviceKind, totalMemoryBytes: Int? = nil, freeMemoryBytes: Int? = nil,
                maximumAllocationBytes: Int? = nil, maximumWorkGroupSize: Int? = nil, computeUnits: Int? = nil,
                nativeKernels: Set<FusedKernel> = [], elementTypes: [ElementType] = [.float32]) {
        self.deviceKind = deviceKind
        self.totalMemoryBytes = totalMemoryBytes
        self.freeMemoryBytes = freeMemoryBytes
        self.maximumAllocationBytes = maximumAllocationBytes
        self.maximumWorkGroupSize = maximumWorkGroupSize
        self.computeUnits = computeUnits
        self.nativeKernels = nativeKernels
        self.elementTypes = elementTypes
    }

    /// Throws `allocationTooLarge` when a tensor of `count` floats exceeds the maximum single
    /// allocation; an overflowing byte count is too large for any device.
    public func checkAllocation(floats count: Int, on backend: String) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        if overflow {
            throw DeepBayesError.allocationTooLarge(backend: backend, bytes: nil, limit: maximumAllocationBytes)
        }
        if let limit = maximumAllocationBytes, bytes > limit {
            throw DeepBayesError.allocationTooLarge(backend: backend, bytes: bytes, limit: limit)
        }
    }

    /// The facts as `(label, value)` lines, in the order `deepbayes devices` prints them.
    public var summary: [(label: String, value: String)] {
        var lines: [(String, String)] = [("kind", deviceKind.rawValue)]
        if let computeUnits { lines.append(("compute units", "\(computeUnits)")) }
        if let totalMemoryBytes { lines.append(("memory", Self.bytes(totalMemoryBytes))) }
        if let freeMemoryBytes { lines.append(("free memory", Self.bytes(freeMemoryBytes))) }
        if let maximumAllocationBytes { lines.append(("largest allocation", Self.bytes(maximumAllocationBytes))) }
        if let maximumWorkGroupSize { lines.append(("work-group limit", "\(maximumWorkGroupSize)")) }
        lines.append(("element types", elementTypes.map(\.rawValue).joined(separator: ", ")))
        let native = nativeKernels.sorted()
        lines.append(("native fused kernels", "\(native.count) of \(FusedKernel.allCases.count)"
            + (native.count == FusedKernel.allCases.count || native.isEmpty ? "" : " (defaults: "
                + FusedKernel.allCases.filter { !nativeKernels.contains($0) }.map(\.rawValue).joined(separator: ", ") + ")")))
        return lines.map { (label: $0.0, value: $0.1) }
    }

    /// `bytes` in binary units with one decimal (`15.6 GiB`).
    public static func bytes(_ bytes: Int) -> String { self.bytes(Double(bytes)) }

    /// `bytes` (an estimate, which may exceed any `Int`) in binary units with one decimal,
    /// beyond 1024 PiB in powers of ten (`3.2e+07 PiB`).
    public static func bytes(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        guard bytes.isFinite else { return "more bytes than any machine has" }
        var value = bytes, unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(Int(value)) B" }
        return value >= 1024 ? String(format: "%.1e %@", value, units[unit]) : String(format: "%.1f %@", value, units[unit])
    }
}
