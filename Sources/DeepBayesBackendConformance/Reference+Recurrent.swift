import Foundation

/// The recurrent kernels in `Double`, from the formulas on the `FusedDefaults` functions of
/// the same names. Matrices are row-major; `width` is the state width `H` of a cell.
extension Reference {
    /// `y[r, c] = x[r, start + c]` for `x` of `columns` columns: `[rows, count]`.
    public static func sliceColumns(_ x: [Double], columns: Int, start: Int, count: Int) -> [Double] {
        (0..<(x.count / columns)).flatMap { row in x[(row * columns + start)..<(row * columns + start + count)] }
    }

    /// `x` (`columns` columns) at column `start` of a matrix of zeros `width` wide.
    public static func placeColumns(_ x: [Double], columns: Int, start: Int, width: Int) -> [Double] {
        var y = [Double](repeating: 0, count: x.count / columns * width)
        for row in 0..<(x.count / columns) {
            for c in 0..<columns { y[row * width + start + c] = x[row * columns + c] }
        }
        return y
    }

    /// The LSTM step: `i, f, o = σ(a_i, a_f, a_o)`, `g = tanh a_g`, `c' = f c + i g`,
    /// `h' = o tanh c'`; returns `(h', c')`.
    public static func lstmCell(_ gates: [Double], _ cell: [Double], width: Int) -> (hidden: [Double], cell: [Double]) {
        var hidden = cell, next = cell
        for k in cell.indices {
            let (i, f, g, o) = lstmGates(gates, k, width: width)
            next[k] = f * cell[k] + i * g
            hidden[k] = o * Foundation.tanh(next[k])
        }
        return (hidden, next)
    }

    /// The LSTM gradients for upstream `gh = ∂L/∂h'`, `gc = ∂L/∂c'` at the given `c'`:
    /// `δc = gc + gh o (1 - tanh²c')`, `∂a = [δc g i(1-i), δc c f(1-f), δc i (1-g²), gh tanh c' o(1-o)]`, `∂c = δc f`.
    public static func lstmCellBackward(_ gates: [Double], _ cell: [Double], _ newCell: [Double], _ gradHidden: [Double],
                                        _ gradCell: [Double], width: Int) -> (gates: [Double], cell: [Double]) {
        var gradGates = gates, gradPrevious = cell
        for k in cell.indices {
            let (i, f, g, o) = lstmGates(gates, k, width: width)
            let t = Foundation.tanh(newCell[k]), delta = gradCell[k] + gradHidden[k] * o * (1 - t * t)
            let (row, column) = (k / width, k % width)
            for (block, value) in [delta * g * i * (1 - i), delta * cell[k] * f * (1 - f), delta * i * (1 - g * g),
                                   gradHidden[k] * t * o * (1 - o)].enumerated() {
                gradGates[(4 * row + block) * width + column] = value
            }
            gradPrevious[k] = delta * f
        }
        return (gradGates, gradPrevious)
    }

    /// The GRU step: `r = σ(x_r + u_r)`, `z = σ(x_z + u_z)`, `n = tanh(x_n + r u_n)`,
    /// `h' = (1 - z) n + z h`.
    public static func gruCell(_ inputGates: [Double], _ hiddenGates: [Double], _ hidden: [Double], width: Int) -> [Double] {
        hidden.indices.map { k in
            let (_, z, n) = gruGates(inputGates, hiddenGates, k, width: width)
            return (1 - z) * n + z * hidden[k]
        }
    }

    /// The GRU gradients for upstream `g = ∂L/∂h'`: `δn = g (1-z)(1-n²)`, `δz = g (h-n) z(1-z)`,
    /// `δr = δn u_n r(1-r)`; `∂x = [δr, δz, δn]`, `∂u = [δr, δz, δn r]`, `∂h = g z`.
    public static func gruCellBackward(_ inputGates: [Double], _ hiddenGates: [Double], _ hidden: [Double], _ grad: [Double],
                                       width: Int) -> (inputGates: [Double], hiddenGates: [Double], hidden: [Double]) {
        var gradInput = inputGates, gradRecurrent = hiddenGates, gradHidden = hidden
        for k in hidden.indices {
            let (r, z, n) = gruGates(inputGates, hiddenGates, k, width: width)
            let (row, column) = (k / width, k % width)
            let block = { (b: Int) in (3 * row + b) * width + column }
            let deltaN = grad[k] * (1 - z) * (1 - n * n), deltaZ = grad[k] * (hidden[k] - n) * z * (1 - z)
            let deltaR = deltaN * hiddenGates[block(2)] * r * (1 - r)
            (gradInput[block(0)], gradInput[block(1)], gradInput[block(2)]) = (deltaR, deltaZ, deltaN)
            (gradRecurrent[block(0)], gradRecurrent[block(1)], gradRecurrent[block(2)]) = (deltaR, deltaZ, deltaN * r)
            gradHidden[k] = grad[k] * z
        }
        return (gradInput, gradRecurrent, gradHidden)
    }

    /// `(i, f, g, o)` of state element `k` (row `k / width`, column `k % width`).
    private static func lstmGates(_ gates: [Double], _ k: Int, width: Int) -> (Double, Double, Double, Double) {
        let base = 4 * (k / width) * width + k % width
        return (sigmoid(gates[base]), sigmoid(gates[base + width]), Foundation.tanh(gates[base + 2 * width]), sigmoid(gates[base + 3 * width]))
    }

    /// `(r, z, n)` of state element `k`.
    private static func gruGates(_ x: [Double], _ u: [Double], _ k: Int, width: Int) -> (Double, Double, Double) {
        let base = 3 * (k / width) * width + k % width
        let r = sigmoid(x[base] + u[base]), z = sigmoid(x[base + width] + u[base + width])
        return (r, z, Foundation.tanh(x[base + 2 * width] + r * u[base + 2 * width]))
    }
}
