import DeepBayesCore

/// The lowering of one `[C, H, W]` image of a convolution to its column matrix (im2col), and
/// back (col2im).
///
/// The column matrix has one row per filter tap `(c, u, v)` and one column per output pixel
/// `(i, j)`:
///
///     col[(c·KH + u)·KW + v, i·OW + j] = x[c, i·sy + u - py, j·sx + v - px]
///
/// and 0 where that reads the padding. With the filter seen as the matrix `W` `[O, C·KH·KW]`
/// the convolution of one image is `y = W · col`. `col2im` is the adjoint of `im2col`: it adds
/// every entry of a column matrix back into the pixel it was read from (padding entries drop).
struct ConvolutionColumns {
    let geometry: Conv2DGeometry

    /// Rows of the column matrix: `C·KH·KW`, the reduction length of the forward product.
    var rows: Int { geometry.inChannels * geometry.kernelHeight * geometry.kernelWidth }
    /// Columns of the column matrix: `OH·OW`, the output pixels of one image.
    var columns: Int { geometry.outHeight * geometry.outWidth }
    /// Elements of one input image: `C·H·W`.
    var imageSize: Int { geometry.inChannels * geometry.inHeight * geometry.inWidth }
    /// Elements of one output image: `O·OH·OW`.
    var outputSize: Int { geometry.outChannels * columns }

    /// Calls `body(n, a, b, out, col)` for every image `n` of the batch with the base addresses
    /// of `a`, `b` and `out` and one zeroed scratch column matrix (`rows × columns`) shared by
    /// all images: the loop each convolution pass runs.
    func forEachImage(_ a: [Float], _ b: [Float], into out: inout [Float],
                      _ body: (_ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                               _ out: UnsafeMutablePointer<Float>, _ col: UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        let col = UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
        col.initialize(repeating: 0, count: rows * columns)
        defer { col.deallocate() }
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                try out.withUnsafeMutableBufferPointer { out in
                    for n in 0..<geometry.batch { try body(n, a.baseAddress!, b.baseAddress!, out.baseAddress!, col) }
                }
            }
        }
    }

    /// Fills `col` (`rows × columns`) from `image`.
    func im2col(_ image: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
        col.update(repeating: 0, count: rows * columns)
        forEachTap { entry, pixel in col[entry] = image[pixel] }
    }

    /// Adds every entry of `col` into the pixel of `image` it came from.
    func col2im(_ col: UnsafePointer<Float>, addingInto image: UnsafeMutablePointer<Float>) {
        forEachTap { entry, pixel in image[pixel] += col[entry] }
    }

    /// Calls `body(entry, pixel)` for every column-matrix entry that reads the image (not the
    /// padding): `entry` indexes the column matrix, `pixel` the `[C, H, W]` image.
    private func forEachTap(_ body: (_ entry: Int, _ pixel: Int) -> Void) {
        let g = geometry
        for c in 0..<g.inChannels {
            for u in 0..<g.kernelHeight {
                for v in 0..<g.kernelWidth {
                    let row = (c * g.kernelHeight + u) * g.kernelWidth + v
                    for i in 0..<g.outHeight {
                        let y = i * g.strideY + u - g.padY
                        guard y >= 0, y < g.inHeight else { continue }
                        for j in 0..<g.outWidth {
                            let x = j * g.strideX + v - g.padX
                            guard x >= 0, x < g.inWidth else { continue }
                            body(row * columns + i * g.outWidth + j, (c * g.inHeight + y) * g.inWidth + x)
                        }
                    }
                }
            }
        }
    }
}
