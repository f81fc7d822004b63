/// Packs a panel that is stored transposed: `packed[p·panelWidth + j] = src[j·ld + p]` for
/// `p < depth`, `j < width`, and zero for `width ≤ j < panelWidth`. This is packing `A` (rows of
/// `op(A)` are stored rows) and packing a transposed `B`. Full `8 × 8` blocks move through
/// registers (`gemmTranspose8x8`); the ragged edges go one element at a time.
func gemmPackTransposed(_ src: UnsafePointer<Float>, ld: Int, depth: Int, width: Int, panelWidth: Int,
                        into packed: UnsafeMutablePointer<Float>) {
    let fullDepth = depth / 8 * 8, fullWidth = width / 8 * 8
    for p in stride(from: 0, to: fullDepth, by: 8) {
        for j in stride(from: 0, to: fullWidth, by: 8) {
            gemmTranspose8x8(src + j * ld + p, ld: ld, into: packed + p * panelWidth + j, stride: panelWidth)
        }
    }
    for j in fullWidth..<width {
        let row = src + j * ld
        for p in 0..<depth { packed[p * panelWidth + j] = row[p] }
    }
    for p in fullDepth..<depth {
        for j in 0..<fullWidth { packed[p * panelWidth + j] = src[j * ld + p] }
    }
    for p in 0..<depth {
        (packed + p * panelWidth + width).update(repeating: 0, count: panelWidth - width)
    }
}

/// Eight rows of eight floats.
private typealias Block8x8 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                              SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

/// `dst[q·stride + r] = src[r·ld + q]` for `r, q < 8`, in vector registers.
@inline(__always)
private func gemmTranspose8x8(_ src: UnsafePointer<Float>, ld: Int, into dst: UnsafeMutablePointer<Float>, stride: Int) {
    let s = UnsafeRawPointer(src), rowBytes = ld * MemoryLayout<Float>.stride
    var t: Block8x8 = (s.loadUnaligned(as: SIMD8<Float>.self),
                       s.loadUnaligned(fromByteOffset: rowBytes, as: SIMD8<Float>.self),
                       s.loadUnaligned(fromByteOffset: 2 * rowBytes, as: SIMD8<Float>.self),
                       s.loadUnaligned(fromByteOffset: 3 * rowBytes, as: SIMD8<Float>.self),
                       s.loadUnaligned(fromByteOffset: 4 * rowBytes, as: SIMD8<Float>.self),
                       s.loadUnaligned(fromByteOffset: 5 * rowBytes, as: SIMD8<Float>.self),
                       s.loadUnaligned(fromByteOffset: 6 * rowBytes, as: SIMD8<Float>.self),
                       s.loadUnaligned(fromByteOffset: 7 * rowBytes, as: SIMD8<Float>.self))
    // Seen as one 64-vector indexed by the bits (r₂r₁r₀ q₂q₁q₀), an unzip rotates the index
    // right by one bit; three of them swap r and q.
    t = unzip(unzip(unzip(t)))
    let d = UnsafeMutableRawPointer(dst), outBytes = stride * MemoryLayout<Float>.stride
    d.storeBytes(of: t.0, as: SIMD8<Float>.self)
    d.storeBytes(of: t.1, toByteOffset: outBytes, as: SIMD8<Float>.self)
    d.storeBytes(of: t.2, toByteOffset: 2 * outBytes, as: SIMD8<Float>.self)
    d.storeBytes(of: t.3, toByteOffset: 3 * outBytes, as: SIMD8<Float>.self)
    d.storeBytes(of: t.4, toByteOffset: 4 * outBytes, as: SIMD8<Float>.self)
    d.storeBytes(of: t.5, toByteOffset: 5 * outBytes, as: SIMD8<Float>.self)
    d.storeBytes(of: t.6, toByteOffset: 6 * outBytes, as: SIMD8<Float>.self)
    d.storeBytes(of: t.7, toByteOffset: 7 * outBytes, as: SIMD8<Float>.self)
}

/// The perfect unshuffle of the 64 floats of `b` read row after row: the even elements, then
/// the odd ones, refilled into eight rows.
@inline(__always)
private func unzip(_ b: Block8x8) -> Block8x8 {
    let p0 = SIMD16(lowHalf: b.0, highHalf: b.1), p1 = SIMD16(lowHalf: b.2, highHalf: b.3)
    let p2 = SIMD16(lowHalf: b.4, highHalf: b.5), p3 = SIMD16(lowHalf: b.6, highHalf: b.7)
    return (p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf, p0.oddHalf, p1.oddHalf, p2.oddHalf, p3.oddHalf)
}
