import COpenBLAS
import DeepBayesBackends

/// The convolution reference: im2col / col2im on the host around OpenBLAS `cblas_sgemm`,
/// one image at a time (the textbook way to build a convolution on a BLAS).
struct OpenBLASConvolution {
    let g: Conv2DGeometry
    /// Rows of the column matrix: `C·KH·KW`; columns: `OH·OW`.
    var patchSize: Int { g.inChannels * g.kernelHeight * g.kernelWidth }
    var pixels: Int { g.outHeight * g.outWidth }

    /// Visits `(column-matrix index, image index)` for every in-range tap of image-local indices.
    private func forEachTap(_ body: (Int, Int) -> Void) {
        for c in 0..<g.inChannels {
            for u in 0..<g.kernelHeight {
                for v in 0..<g.kernelWidth {
                    let row = (c * g.kernelHeight + u) * g.kernelWidth + v
                    for oy in 0..<g.outHeight {
                        let y = oy * g.strideY + u - g.padY
                        guard y >= 0, y < g.inHeight else { continue }
                        for ox in 0..<g.outWidth {
                            let x = ox * g.strideX + v - g.padX
                            guard x >= 0, x < g.inWidth else { continue }
                            body(row * pixels + oy * g.outWidth + ox, (c * g.inHeight + y) * g.inWidth + x)
                        }
                    }
                }
            }
        }
    }

    private func im2col(_ image: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>) {
        columns.update(repeating: 0, count: patchSize * pixels)
        forEachTap { columns[$0] = image[$1] }
    }

    private func col2im(_ columns: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>) {
        image.update(repeating: 0, count: g.inChannels * g.inHeight * g.inWidth)
        forEachTap { image[$1] += columns[$0] }
    }

    private func sgemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ beta: Float, _ c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(ta ? m : k), b, Int32(tb ? k : n), beta, c, Int32(n))
    }

    /// Runs `pass` and returns its output.
    func run(_ pass: ConvBenchmarks.Pass, x: [Float], w: [Float], dy: [Float]) -> [Float] {
        let imageSize = g.inChannels * g.inHeight * g.inWidth, outputSize = g.outChannels * pixels
        let outputCount = [ConvBenchmarks.Pass.forward: g.batch * outputSize, .backwardData: g.batch * imageSize,
                           .backwardFilter: g.outChannels * patchSize][pass]!
        var result = [Float](repeating: 0, count: outputCount)
        var columns = [Float](repeating: 0, count: patchSize * pixels)
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                dy.withUnsafeBufferPointer { dy in
                    result.withUnsafeMutableBufferPointer { out in
                        columns.withUnsafeMutableBufferPointer { columns in
                            let (x, w, dy, out, col) = (x.baseAddress!, w.baseAddress!, dy.baseAddress!, out.baseAddress!, columns.baseAddress!)
                            for n in 0..<g.batch {
                                switch pass {
                                case .forward:
                                    im2col(x + n * imageSize, col)
                                    sgemm(false, false, g.outChannels, pixels, patchSize, w, col, 0, out + n * outputSize)
                                case .backwardData:
                                    sgemm(true, false, patchSize, pixels, g.outChannels, w, dy + n * outputSize, 0, col)
                                    col2im(col, out + n * imageSize)
                                case .backwardFilter:
                                    im2col(x + n * imageSize, col)
                                    sgemm(false, true, g.outChannels, patchSize, pixels, dy + n * outputSize, col, 1, out)
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
