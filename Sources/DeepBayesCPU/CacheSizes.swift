import CCPUFeatures
import DeepBayesCore

/// The sizes in bytes of the data caches a thread of the CPU backend works in (one instance
/// each, as CPU 0 sees them); 0 for a level that is not reported.
struct CacheSizes: Equatable, Sendable {
    /// The level-1 data cache.
    var l1: Int
    /// The level-2 (unified) cache.
    var l2: Int
    /// The level-3 (unified, usually shared) cache.
    var l3: Int

    /// This machine's, read once (`deepbayes_data_cache_bytes`: Linux sysfs, then `sysconf`).
    static let host = CacheSizes(l1: deepbayes_data_cache_bytes(1), l2: deepbayes_data_cache_bytes(2),
                                 l3: deepbayes_data_cache_bytes(3))

    /// The sizes assumed for levels that are not reported: 32 KiB, 256 KiB and 2 MiB, no more
    /// than any x86-64 or arm64 core of the last decade has, so blocks chosen from them fit anywhere.
    static let conservative = CacheSizes(l1: 32 << 10, l2: 256 << 10, l3: 2 << 20)

    /// Sizes in bytes read by the C helper (a C `long`).
    init(l1: some BinaryInteger, l2: some BinaryInteger, l3: some BinaryInteger) {
        self.l1 = Int(l1)
        self.l2 = Int(l2)
        self.l3 = Int(l3)
    }

    /// These sizes with each unreported (zero or negative) level replaced by its conservative size.
    var reportedOrConservative: CacheSizes {
        CacheSizes(l1: l1 > 0 ? l1 : Self.conservative.l1, l2: l2 > 0 ? l2 : Self.conservative.l2,
                   l3: l3 > 0 ? l3 : Self.conservative.l3)
    }

    /// `L1d 48.0 KiB, L2 1.0 MiB, L3 32.0 MiB`, with the assumed size of a level not reported.
    var summary: String {
        let assumed = reportedOrConservative
        return [("L1d", l1, assumed.l1), ("L2", l2, assumed.l2), ("L3", l3, assumed.l3)].map { name, size, used in
            "\(name) " + (size > 0 ? BackendCapabilities.bytes(size) : "not reported (\(BackendCapabilities.bytes(used)) assumed)")
        }.joined(separator: ", ")
    }
}
