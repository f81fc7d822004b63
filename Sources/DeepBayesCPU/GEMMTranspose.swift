/// Packs a panel that is stored transposed: `packed[p·panelWidth + j] = src[j·ld + p]` for
/// `p < depth`, `j < width`, and zero for `width ≤ j < panelWidth`. This is packing `A` (rows of
/// `op(A)` are stored rows) and packing a transposed `B`. Blocks of 8 stored rows by 8 stored
/// columns move through registers (`gemmTranspose8x8`), the last block of rows padded with
/// zero rows when `width` is not a multiple of 8; the depth past the last multiple of 8 goes one element at a time.
func gemmPackTransposed(_ src: UnsafePointer<Float>, ld: Int, depth: Int, width: Int, panelWidth: Int,
                        into packed: UnsafeMutablePointer<Float>) {
    let fullDepth = depth / 8 * 8
    for j in stride(from: 0, to: width, by: 8) {
        let rows = min(8, width - j), columns = min(8, panelWidth - j)
        for p in stride(from: 0, to: fullDepth, by: 8) {
            gemmTranspose8x8(src + j * ld + p, ld: ld, rows: rows, into: packed + p * panelWidth + j,
                             stride: panelWidth, columns: columns)
        }
    }
    for p in fullDepth..<depth {
        for j in 0..<width { packed[p * panelWidth + j] = src[j * ld + p] }
    }
    if width < panelWidth {
        for p in 0..<depth { (packed + p * panelWidth + width).update(repeating: 0, count: panelWidth - width) }
    }
}

/// Eight rows of eight floats.
private typealias Block8x8 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                              SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

/// `dst[q·stride + r] = src[r·ld + q]` for `q < 8`, `r < columns`, in vector registers, where
/// source rows `r ≥ rows` are read as zeros (`rows`, `columns` ≤ 8).
@inline(__always)
private func gemmTranspose8x8(_ src: UnsafePointer<Float>, ld: Int, rows: Int, into dst: UnsafeMutablePointer<Float>,
                              stride: Int, columns: Int) {
    let s = UnsafeRawPointer(src), rowBytes = ld * MemoryLayout<Float>.stride
    @inline(__always) func row(_ r: Int) -> SIMD8<Float> {
        r < rows ? s.loadUnaligned(fromByteOffset: r * rowBytes, as: SIMD8<Float>.self) : SIMD8()
    }
    var t: Block8x8 = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
    // Seen as one 64-vector indexed by the bits (r₂r₁r₀ q₂q₁q₀), an unzip rotates the index
    // right by one bit; three of them swap r and q.
    t = unzip(unzip(unzip(t)))
    gemmStorePrefix(t.0, columns, dst)
    gemmStorePrefix(t.1, columns, dst + stride)
    gemmStorePrefix(t.2, columns, dst + 2 * stride)
    gemmStorePrefix(t.3, columns, dst + 3 * stride)
    gemmStorePrefix(t.4, columns, dst + 4 * stride)
    gemmStorePrefix(t.5, columns, dst + 5 * stride)
    gemmStorePrefix(t.6, columns, dst + 6 * stride)
    gemmStorePrefix(t.7, columns, dst + 7 * stride)
}

/// `dst[0..<count] = v[0..<count]` (`count ≤ 8`): one vector store when `count` is 8, else
/// four lanes and then single ones.
@inline(__always)
private func gemmStorePrefix(_ v: SIMD8<Float>, _ count: Int, _ dst: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(dst)
    if count == 8 {
        raw.storeBytes(of: v, as: SIMD8<Float>.self)
        return
    }
    var q = 0
    if count >= 4 {
        raw.storeBytes(of: v.lowHalf, as: SIMD4<Float>.self)
        q = 4
    }
    while q < count {
        dst[q] = v[q]
        q += 1
    }
}

/// The perfect unshuffle of the 64 floats of `b` read row after row: the even elements, then
/// the odd ones, refilled into eight rows.
@inline(__always)
private func unzip(_ b: Block8x8) -> Block8x8 {
    let p0 = SIMD16(lowHalf: b.0, highHalf: b.1), p1 = SIMD16(lowHalf: b.2, highHalf: b.3)
    let p2 = SIMD16(lowHalf: b.4, highHalf: b.5), p3 = SIMD16(lowHalf: b.6, highHalf: b.7)
    return (p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf, p0.oddHalf, p1.oddHalf, p2.oddHalf, p3.oddHalf)
}
