/// Bitwise operators and lane selection on the kernels' 16-lane vectors, each one vector
/// instruction (or a short fixed sequence) whatever the surrounding code.
///
/// The standard library implements `&`, `|`, `^`, `~` and `replacing(with:where:)` for every
/// SIMD type as a loop over the lanes, which LLVM has to turn back into vector code. In the
/// large inlined bodies of the kernels it often does not: it keeps a lane in a scalar register
/// or walks mask bits one at a time, which costs more than the arithmetic around it. `SIMDMask`
/// of 32-bit lanes has its `.&`, `.|`, `.^` as single vector operations, so these overloads
/// (more specific than the standard library's generic ones, hence chosen for these types
/// everywhere in this module) route through it. Results are bit for bit those of the generic
/// versions.
extension SIMD16 where Scalar == Int32 {
    /// The lanes as a mask's storage, for its vector operations.
    @_transparent
    private var bits: SIMDMask<Self> { SIMDMask(self) }

    @_transparent
    static func & (a: Self, b: Self) -> Self { (a.bits .& b.bits)._storage }

    @_transparent
    static func & (a: Self, b: Int32) -> Self { a & Self(repeating: b) }

    @_transparent
    static func | (a: Self, b: Self) -> Self { (a.bits .| b.bits)._storage }

    @_transparent
    static func | (a: Self, b: Int32) -> Self { a | Self(repeating: b) }

    @_transparent
    static func ^ (a: Self, b: Self) -> Self { (a.bits .^ b.bits)._storage }

    @_transparent
    static func ^ (a: Self, b: Int32) -> Self { a ^ Self(repeating: b) }

    @_transparent
    static prefix func ~ (a: Self) -> Self { a ^ -1 }

    /// `other` in the lanes where `mask` is true, `self` elsewhere.
    @_transparent
    func replacing(with other: Self, where mask: SIMDMask<Self>) -> Self {
        bits.replacing(with: other.bits, where: mask)._storage
    }

    @_transparent
    func replacing(with other: Int32, where mask: SIMDMask<Self>) -> Self { replacing(with: Self(repeating: other), where: mask) }

    @_transparent
    mutating func replace(with other: Self, where mask: SIMDMask<Self>) { self = replacing(with: other, where: mask) }

    @_transparent
    mutating func replace(with other: Int32, where mask: SIMDMask<Self>) { self = replacing(with: other, where: mask) }
}

extension SIMD16 where Scalar == UInt32 {
    /// The same bits as signed lanes, for their vector operations.
    @_transparent
    private var signed: Int32Vector { unsafeBitCast(self, to: Int32Vector.self) }

    /// The vector with the bits of `signed`.
    @_transparent
    private init(_ signed: Int32Vector) { self = unsafeBitCast(signed, to: Self.self) }

    @_transparent
    static func & (a: Self, b: Self) -> Self { Self(a.signed & b.signed) }

    @_transparent
    static func & (a: Self, b: UInt32) -> Self { a & Self(repeating: b) }

    @_transparent
    static func | (a: Self, b: Self) -> Self { Self(a.signed | b.signed) }

    @_transparent
    static func | (a: Self, b: UInt32) -> Self { a | Self(repeating: b) }

    @_transparent
    static func ^ (a: Self, b: Self) -> Self { Self(a.signed ^ b.signed) }

    @_transparent
    static func ^ (a: Self, b: UInt32) -> Self { a ^ Self(repeating: b) }

    @_transparent
    static prefix func ~ (a: Self) -> Self { Self(~a.signed) }

    /// `other` in the lanes where `mask` is true, `self` elsewhere.
    @_transparent
    func replacing(with other: Self, where mask: SIMDMask<Int32Vector>) -> Self {
        Self(signed.replacing(with: other.signed, where: mask))
    }

    @_transparent
    func replacing(with other: UInt32, where mask: SIMDMask<Int32Vector>) -> Self { replacing(with: Self(repeating: other), where: mask) }
}

extension SIMD16 where Scalar == Float {
    /// `other` in the lanes where `mask` is true, `self` elsewhere.
    @_transparent
    func replacing(with other: Self, where mask: SIMDMask<Int32Vector>) -> Self {
        Self(bitPattern: Int32Vector(bitPattern: self).replacing(with: Int32Vector(bitPattern: other), where: mask))
    }

    @_transparent
    func replacing(with other: Float, where mask: SIMDMask<Int32Vector>) -> Self { replacing(with: Self(repeating: other), where: mask) }

    @_transparent
    mutating func replace(with other: Self, where mask: SIMDMask<Int32Vector>) { self = replacing(with: other, where: mask) }

    @_transparent
    mutating func replace(with other: Float, where mask: SIMDMask<Int32Vector>) { self = replacing(with: other, where: mask) }
}
