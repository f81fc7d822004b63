// Packing copies a block of `op(A)` or `op(B)` into the layout the micro-kernel streams
// through with unit stride, resolving the transposes and padding the last panel with zeros so
// the kernel never needs a bounds check.

/// Packs the `rows × depth` block of `op(A)` seen by `a` into `MR`-row micro-panels:
/// `packed[(i / MR)·MR·depth + p·MR + i % MR] = op(A)[i, p]`, zero for `i ≥ rows` in the last panel.
func gemmPackA(_ a: GEMMOperand, rows: Int, depth: Int, into packed: UnsafeMutablePointer<Float>) {
    for i0 in stride(from: 0, to: rows, by: gemmMR) {
        let height = min(gemmMR, rows - i0), dst = packed + i0 * depth
        if a.transposed {
            // op(A)[i, p] = base[p·ld + i]: stored rows are the panel's rows.
            gemmPackRows(a.base + i0, ld: a.ld, depth: depth, width: height, panelWidth: gemmMR, into: dst)
        } else {
            // op(A)[i, p] = base[i·ld + p]: a transpose of the stored rows.
            gemmPackTransposed(a.base + i0 * a.ld, ld: a.ld, depth: depth, width: height, panelWidth: gemmMR, into: dst)
        }
    }
}

/// Packs the `depth × columns` block of `op(B)` seen by `b` into `NR`-column micro-panels:
/// `packed[(j / NR)·NR·depth + p·NR + j % NR] = op(B)[p, j]`, zero for `j ≥ columns` in the last panel.
func gemmPackB(_ b: GEMMOperand, depth: Int, columns: Int, into packed: UnsafeMutablePointer<Float>) {
    for j0 in stride(from: 0, to: columns, by: gemmNR) {
        let width = min(gemmNR, columns - j0), dst = packed + j0 * depth
        if b.transposed {
            // op(B)[p, j] = base[j·ld + p]: a transpose of the stored rows.
            gemmPackTransposed(b.base + j0 * b.ld, ld: b.ld, depth: depth, width: width, panelWidth: gemmNR, into: dst)
        } else {
            // op(B)[p, j] = base[p·ld + j]: stored rows are the panel's rows.
            gemmPackRows(b.base + j0, ld: b.ld, depth: depth, width: width, panelWidth: gemmNR, into: dst)
        }
    }
}

/// Packs a panel whose rows are stored rows: `packed[p·panelWidth + j] = src[p·ld + j]` for
/// `p < depth`, `j < width`, and zero for `width ≤ j < panelWidth`.
private func gemmPackRows(_ src: UnsafePointer<Float>, ld: Int, depth: Int, width: Int, panelWidth: Int,
                          into packed: UnsafeMutablePointer<Float>) {
    for p in 0..<depth {
        gemmCopy(src + p * ld, to: packed + p * panelWidth, count: width)
    }
    if width < panelWidth {
        for p in 0..<depth { (packed + p * panelWidth + width).update(repeating: 0, count: panelWidth - width) }
    }
}

/// `dst[0..<count] = src[0..<count]` in vectors of 8 and 4 floats, then single floats.
@inline(__always)
private func gemmCopy(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst), size = MemoryLayout<Float>.stride
    var j = 0
    while j + 8 <= count {
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: j * size, as: SIMD8<Float>.self), toByteOffset: j * size, as: SIMD8<Float>.self)
        j += 8
    }
    if j + 4 <= count {
        to.storeBytes(of: from.loadUnaligned(fromByteOffset: j * size, as: SIMD4<Float>.self), toByteOffset: j * size, as: SIMD4<Float>.self)
        j += 4
    }
    while j < count {
        dst[j] = src[j]
        j += 1
    }
}
