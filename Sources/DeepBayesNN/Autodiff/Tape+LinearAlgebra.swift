import DeepBayesCore

extension Tape {
    /// `op(A)·op(B)` for matrices or equal batches (see `Backend.matmul`).
    public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
        let backend = self.backend
        let c = try backend.matmul(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
        let (needsA, needsB) = (a.slot != nil, b.slot != nil)
        return record(c, inputs: [a, b]) { g in
            let (av, bv) = (a.value, b.value)
            switch (transposeA, transposeB) {
            case (false, false):
                return [needsA ? try backend.matmul(g, bv, transposeB: true) : nil, needsB ? try backend.matmul(av, g, transposeA: true) : nil]
            case (true, false):
                return [needsA ? try backend.matmul(bv, g, transposeB: true) : nil, needsB ? try backend.matmul(av, g) : nil]
            case (false, true):
                return [needsA ? try backend.matmul(g, bv) : nil, needsB ? try backend.matmul(g, av, transposeA: true) : nil]
            case (true, true):
                return [needsA ? try backend.matmul(bv, g, transposeA: true, transposeB: true) : nil,
                        needsB ? try backend.matmul(g, av, transposeA: true, transposeB: true) : nil]
            }
        }
    }

    /// NCHW convolution of `input` with an `[O, C, KH, KW]` `filter` (see `Backend.conv2d`).
    public func conv2d(_ input: Variable, _ filter: Variable, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Variable {
        let backend = self.backend
        let y = try backend.conv2d(input.value, filter.value, stride: stride, padding: padding)
        let needsInput = input.slot != nil
        return record(y, inputs: [input, filter]) { g in
            [needsInput ? try backend.conv2dBackwardData(g, filter.value, inputShape: input.value.shape, stride: stride, padding: padding) : nil,
             try backend.conv2dBackwardFilter(input.value, g, filterShape: filter.value.shape, stride: stride, padding: padding)]
        }
    }

    /// Transposed convolution: the adjoint of `conv2d` with the same `filter`, stride and
    /// padding, mapping `[N, filter[0], H, W]` to `outputShape` (`[N, filter[1], H', W']`).
    /// `outputShape` must be one that `conv2d` maps back to the input's shape.
    public func convTranspose2d(_ input: Variable, _ filter: Variable, outputShape: Shape,
                                stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Variable {
        let backend = self.backend
        let y = try backend.conv2dBackwardData(input.value, filter.value, inputShape: outputShape, stride: stride, padding: padding)
        let needsInput = input.slot != nil
        return record(y, inputs: [input, filter]) { g in
            [needsInput ? try backend.conv2d(g, filter.value, stride: stride, padding: padding) : nil,
             try backend.conv2dBackwardFilter(g, input.value, filterShape: filter.value.shape, stride: stride, padding: padding)]
        }
    }
}
