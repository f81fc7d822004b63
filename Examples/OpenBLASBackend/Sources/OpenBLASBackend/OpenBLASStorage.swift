/// The storage of an `openblas` tensor: its values, row-major, in a Swift array. Kernels make
/// new storage for their results; only `_assign` (which the optimizer defaults use to update
/// parameters in place) replaces the values of an existing one.
final class OpenBLASStorage {
    var values: [Float]

    init(_ values: [Float]) { self.values = values }
}
