import DeepBayesCore

/// The lowering of one image for convolution as a matrix product. The column matrix has one
/// row per filter tap `(c, u, v)` and one column per output pixel `(i, j)`:
/// `col[(c·KH + u)·KW + v, i·OW + j] = x[c, i·sy + u - py, j·sx + v - px]`, zero where that
/// reads the padding. Then `y = W · col` with `W` the filter seen as `[O, C·KH·KW]`.
extension Conv2DGeometry {
    /// Rows of the column matrix: `C·KH·KW`.
    var columnRows: Int { inChannels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: `OH·OW`.
    var columnCount: Int { outHeight * outWidth }
    /// A 1×1 filter with unit stride and no padding: the image already is its column matrix.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideY == 1 && strideX == 1 && padY == 0 && padX == 0
    }

    /// The output columns `j` whose input column `j·sx + v - px` lies inside `0..<inWidth`.
    func validColumns(tap v: Int) -> Range<Int> {
        let lower = padX - v > 0 ? (padX - v + strideX - 1) / strideX : 0
        let last = inWidth - 1 + padX - v
        let upper = last < 0 ? 0 : min(outWidth, last / strideX + 1)
        return lower..<max(lower, upper)
    }
}

/// Fills the column matrix `col` (`[C·KH·KW, OH·OW]`) of one `[C, H, W]` image (see `Conv2DGeometry`).
func im2col(_ image: UnsafePointer<Float>, _ g: Conv2DGeometry, into col: UnsafeMutablePointer<Float>) {
    var dst = col
    for c in 0..<g.inChannels {
        let plane = image + c * g.inHeight * g.inWidth
        for u in 0..<g.kernelHeight {
            for v in 0..<g.kernelWidth {
                let valid = g.validColumns(tap: v)
                for i in 0..<g.outHeight {
                    let y = i * g.strideY + u - g.padY
                    if y < 0 || y >= g.inHeight || valid.isEmpty {
                        dst.update(repeating: 0, count: g.outWidth)
                    } else {
                        let start = y * g.inWidth + v - g.padX
                        dst.update(repeating: 0, count: valid.lowerBound)
                        if g.strideX == 1 {
                            (dst + valid.lowerBound).update(from: plane + start + valid.lowerBound, count: valid.count)
                        } else {
                            for j in valid { dst[j] = plane[start + j * g.strideX] }
                        }
                        (dst + valid.upperBound).update(repeating: 0, count: g.outWidth - valid.upperBound)
                    }
                    dst += g.outWidth
                }
            }
        }
    }
}

/// The adjoint of `im2col`: `x[c, y, x'] += Σ col[(c·KH + u)·KW + v, i·OW + j]` over the taps and
/// pixels that read `(c, y, x')`. Adds into `image`, which the caller zeroes first.
func col2im(_ col: UnsafePointer<Float>, _ g: Conv2DGeometry, into image: UnsafeMutablePointer<Float>) {
    var src = col
    for c in 0..<g.inChannels {
        let plane = image + c * g.inHeight * g.inWidth
        for u in 0..<g.kernelHeight {
            for v in 0..<g.kernelWidth {
                let valid = g.validColumns(tap: v)
                for i in 0..<g.outHeight {
                    let y = i * g.strideY + u - g.padY
                    if y >= 0 && y < g.inHeight {
                        let start = y * g.inWidth + v - g.padX
                        if g.strideX == 1 {
                            addRow(src + valid.lowerBound, into: plane + start + valid.lowerBound, count: valid.count)
                        } else {
                            for j in valid { plane[start + j * g.strideX] += src[j] }
                        }
                    }
                    src += g.outWidth
                }
            }
        }
    }
}

/// `dst[t] += src[t]` for `t < count`, eight lanes at a time.
@inline(__always)
private func addRow(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    let from = UnsafeRawPointer(src), to = UnsafeMutableRawPointer(dst)
    let vectorBytes = MemoryLayout<SIMD8<Float>>.size
    var offset = 0
    while offset + vectorBytes <= count * MemoryLayout<Float>.stride {
        let sum = to.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + from.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        to.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Float>.self)
        offset += vectorBytes
    }
    for t in offset / MemoryLayout<Float>.stride..<count { dst[t] += src[t] }
}
