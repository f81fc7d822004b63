import DeepBayesCore
import Foundation

/// Convolution as matrix products over the column matrix of each image (`Im2Col.swift`), with
/// `W` the filter seen as `[O, C·KH·KW]` and `col_n` the column matrix of image `n`:
/// forward `y_n = W · col_n`, backward-data `x̄_n = col2im(Wᵀ · ȳ_n)`,
/// backward-filter `W̄ = Σ_n ȳ_n · col_nᵀ`.
extension CPUBackend {
    /// `y_n = W · col_n` for every image `n`, written straight into the output.
    public func _conv2d(_ input: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let (result, y) = try makeTensor(g.outputShape)
        let x = try buffer(input).pointer, w = try buffer(filter).pointer
        let imageSize = g.inChannels * g.inHeight * g.inWidth, outputSize = g.outChannels * g.columnCount
        forEachImageChunk(g) { images, parallelGEMM in
            withColumnScratch(g) { col in
                for n in images {
                    let image = x + n * imageSize
                    if let col { im2col(image, g, into: col) }
                    sgemm(m: g.outChannels, n: g.columnCount, k: g.columnRows,
                          a: w, lda: g.columnRows, transA: false,
                          b: col ?? image, ldb: g.columnCount, transB: false,
                          c: y + n * outputSize, ldc: g.columnCount, accumulate: false, parallel: parallelGEMM)
                }
            }
        }
        return result
    }

    /// `x̄_n = col2im(Wᵀ · ȳ_n)` for every image `n` (the product lands in the image itself
    /// for a pointwise filter).
    public func _conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let (result, dx) = try makeTensor(g.inputShape)
        let dy = try buffer(gradOutput).pointer, w = try buffer(filter).pointer
        let imageSize = g.inChannels * g.inHeight * g.inWidth, outputSize = g.outChannels * g.columnCount
        forEachImageChunk(g) { images, parallelGEMM in
            withColumnScratch(g) { col in
                for n in images {
                    let image = dx + n * imageSize
                    sgemm(m: g.columnRows, n: g.columnCount, k: g.outChannels,
                          a: w, lda: g.columnRows, transA: true,
                          b: dy + n * outputSize, ldb: g.columnCount, transB: false,
                          c: col ?? image, ldc: g.columnCount, accumulate: false, parallel: parallelGEMM)
                    if let col {
                        image.update(repeating: 0, count: imageSize)
                        col2im(col, g, into: image)
                    }
                }
            }
        }
        return result
    }

    /// `W̄ = Σ_n ȳ_n · col_nᵀ`: each chunk of images sums into its own partial `W̄`, and the
    /// partials are added in image order, so the result does not depend on thread timing.
    public func _conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let (result, dw) = try makeTensor(g.filterShape)
        let filterSize = g.outChannels * g.columnRows
        dw.update(repeating: 0, count: filterSize)
        let x = try buffer(input).pointer, dy = try buffer(gradOutput).pointer
        let imageSize = g.inChannels * g.inHeight * g.inWidth, outputSize = g.outChannels * g.columnCount
        let lock = NSLock()
        var partials: [(firstImage: Int, sum: UnsafeMutablePointer<Float>)] = []
        forEachImageChunk(g) { images, parallelGEMM in
            let partial = HostMemoryPool.shared.takeScratch(filterSize)
            withColumnScratch(g) { col in
                for n in images {
                    let image = x + n * imageSize
                    if let col { im2col(image, g, into: col) }
                    sgemm(m: g.outChannels, n: g.columnRows, k: g.columnCount,
                          a: dy + n * outputSize, lda: g.columnCount, transA: false,
                          b: col ?? image, ldb: g.columnCount, transB: true,
                          c: partial, ldc: g.columnRows, accumulate: n != images.lowerBound, parallel: parallelGEMM)
                }
            }
            lock.lock()
            partials.append((images.lowerBound, partial))
            lock.unlock()
        }
        for (_, partial) in partials.sorted(by: { $0.firstImage < $1.firstImage }) {
            for i in 0..<filterSize { dw[i] += partial[i] }
            HostMemoryPool.shared.give(partial, count: filterSize)
        }
        return result
    }

    /// Runs `body(images, parallelGEMM)` over the batch: chunks of whole images in parallel when
    /// there are at least as many images as threads (each product then on one thread), else all
    /// images on this thread with each product split across the threads.
    private func forEachImageChunk(_ g: Conv2DGeometry, _ body: (Range<Int>, Bool) -> Void) {
        if g.batch > 1 && g.batch >= Parallel.threadCount {
            Parallel.forEachChunk(g.batch, costPerItem: Int(g.flops) / g.batch) { body($0, false) }
        } else {
            body(0..<g.batch, true)
        }
    }

    /// Calls `body` with scratch space for one column matrix, or with `nil` for a pointwise
    /// convolution, whose column matrix is the image itself.
    private func withColumnScratch(_ g: Conv2DGeometry, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
        if g.isPointwise {
            body(nil)
            return
        }
        HostMemoryPool.shared.withScratch(floats: g.columnRows * g.columnCount, body)
    }
}
