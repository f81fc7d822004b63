import DeepBayesCore

extension CPUBackend {
    /// A new tensor of `shape` with element `i` equal to `value(i)`, filled in parallel chunks.
    /// `costPerItem` is the rough floating-point work of one `value` call (about 20 for a
    /// transcendental function).
    @inline(__always)
    func generate(_ shape: Shape, costPerItem: Int, _ value: (Int) -> Float) throws -> Tensor {
        let (tensor, out) = try makeTensor(shape)
        Parallel.forEachChunk(shape.count, costPerItem: costPerItem) { range in
            for i in range { out[i] = value(i) }
        }
        return tensor
    }

    /// A new tensor of `shape` whose elements `start ..< start + lanes` are the first `lanes`
    /// lanes of `value(start, lanes)`, over the groups of `VectorLoop.forEach`, filled in
    /// parallel chunks. `costPerItem` is as in `generate`, per element.
    @inline(__always)
    func generateVectors(_ shape: Shape, costPerItem: Int, _ value: (_ start: Int, _ lanes: Int) -> FloatVector) throws -> Tensor {
        let (tensor, out) = try makeTensor(shape)
        Parallel.forEachChunk(shape.count, costPerItem: costPerItem) { range in
            VectorLoop.forEach(range) { start, lanes in out.store(value(start, lanes), at: start, lanes: lanes) }
        }
        return tensor
    }

    /// `generateVectors` with the formula as a `VectorTerm` value: the loop is specialized with
    /// the formula inlined (`VectorLoop.store`), for the kernels whose formula is large.
    @inline(__always)
    func generateVectors<Term: VectorTerm>(_ shape: Shape, costPerItem: Int, _ term: Term) throws -> Tensor {
        let (tensor, out) = try makeTensor(shape)
        Parallel.forEachChunk(shape.count, costPerItem: costPerItem) { range in VectorLoop.store(range, into: out, term) }
        return tensor
    }

    /// The read-only storage of a tensor of this backend.
    @inline(__always)
    func values(_ tensor: Tensor) throws -> UnsafePointer<Float> { UnsafePointer(try buffer(tensor).pointer) }

    /// The single value of a one-element tensor (an upstream scalar gradient).
    @inline(__always)
    func scalarValue(_ tensor: Tensor) throws -> Float { try buffer(tensor).pointer[0] }

    /// A new tensor of `shape` written row by row (rows along the last axis, in parallel) by
    /// `body(start, columns, outputRow)`, where `start` is the flat index of the row's first
    /// element and `outputRow` points at it.
    func mapRows(_ shape: Shape, _ body: (_ start: Int, _ columns: Int, _ output: UnsafeMutablePointer<Float>) -> Void) throws -> Tensor {
        let columns = shape[shape.rank - 1]
        let (result, out) = try makeTensor(shape)
        Parallel.forEachChunk(shape.count / columns, costPerItem: columns * 20) { rows in
            for row in rows { body(row * columns, columns, out + row * columns) }
        }
        return result
    }
}
