/// An operand of `gemm_panels` and where the kernel finds entry `(i, p)` of its `L[b]`
/// (`L = op(A)` with `i` a row, or `L = op(B)ᵀ` with `i` a column of `C`): at
/// `b·batch + (i / width)·panel + (i % width)·lane + p·depth`.
struct PanelOperand {
    let buffer: OpenCLBuffer
    let batch: Int, panel: Int, lane: Int, depth: Int

    /// The panels of `width` rows of `rows x depth` matrices written by `pack` (and by
    /// `MatrixPlacement.panels`, with `depth` its chunk): `[batch, ⌈rows/width⌉, depth, width]`.
    static func packed(_ buffer: OpenCLBuffer, rows: Int, depth: Int, width: Int) -> PanelOperand {
        let panels = (rows + width - 1) / width
        return PanelOperand(buffer: buffer, batch: panels * width * depth, panel: width * depth, lane: 1, depth: width)
    }

    /// `rows x depth` matrices read where they are stored: row-major, or as their transposes
    /// (`depth x rows` row-major) when `transposed`.
    static func inPlace(_ buffer: OpenCLBuffer, rows: Int, depth: Int, width: Int, transposed: Bool) -> PanelOperand {
        transposed ? PanelOperand(buffer: buffer, batch: rows * depth, panel: width, lane: 1, depth: rows)
                   : PanelOperand(buffer: buffer, batch: rows * depth, panel: width * depth, lane: depth, depth: 1)
    }

    /// The arguments of the A operand of `gemm_panels`: buffer, batch, panel, lane and depth strides.
    var rowArguments: [KernelArgument] { [.buffer(buffer), .int(batch), .int(panel), .int(lane), .int(depth)] }

    /// The arguments of the B operand of `gemm_panels`, whose 16 lanes must be contiguous:
    /// buffer, batch, panel and depth strides.
    var columnArguments: [KernelArgument] {
        precondition(lane == 1, "gemm_panels loads the 16 lanes of a B panel as one vector")
        return [.buffer(buffer), .int(batch), .int(panel), .int(depth)]
    }
}
