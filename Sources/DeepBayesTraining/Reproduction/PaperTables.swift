import Foundation

/// The grid's results beside Blundell et al.'s figures, as Markdown tables: what
/// `deepbayes reproduce blundell2015` prints and writes to `table1.md` and `table2.md`.
public enum PaperTables {
    /// Table 1: a row per method and a column per width, each cell "ours (paper)" in percent
    /// test error ("–" where a cell was not trained), then a line per trained cell with its
    /// chosen epoch, validation error, calibration and OOD figures.
    public static func table1(_ results: [Blundell2015.Cell: CellResult], methods: [Blundell2015.Method], units: [Int]) -> String {
        var lines = ["MNIST test error (%), 784-u-u-10 ReLU networks: ours (Blundell et al. 2015, Table 1)", "",
                     "| method | " + units.map { "\($0) units" }.joined(separator: " | ") + " |",
                     "| --- |" + String(repeating: " --- |", count: units.count)]
        for method in methods {
            let cells = units.map { width -> String in
                let ours = results[Blundell2015.Cell(method: method, units: width)].map { percent($0.testError) } ?? "–"
                return ours + (Blundell2015.paperError(method, units: width).map { " (\(String(format: "%.2f", $0)))" } ?? "")
            }
            lines.append("| \(method.title) | " + cells.joined(separator: " | ") + " |")
        }
        lines += ["", "| cell | epoch chosen (of) | validation error | test error | test NLL | ECE | OOD AUROC | training time |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for method in methods {
            for width in units {
                guard let result = results[Blundell2015.Cell(method: method, units: width)] else { continue }
                lines.append("| \(result.cell) | \(result.bestEpoch) (\(result.epochs)) | \(percent(result.validationError))% | \(percent(result.testError))% | "
                             + String(format: "%.4f | %.4f | %.3f | %.0f s |", result.nll, result.ece, result.oodAUROC, result.trainSeconds))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Table 2: the fraction removed, our test error (and its change) and the paper's.
    public static func table2(_ results: [PruningResult], units: Int) -> String {
        let base = results.first?.testError ?? .nan
        var lines = ["Signal-to-noise pruning of the 2x\(units) scale-mixture network: test error (%) (Blundell et al. 2015, Table 2: 2x1200)", "",
                     "| weights removed | pruned weights | ours | change | paper |", "| --- | --- | --- | --- | --- |"]
        for (result, paper) in zip(results, Blundell2015.pruning) {
            lines.append("| \(PruningPlots.percent(result.fraction)) | \(result.prunedWeights) | \(percent(result.testError)) | "
                         + String(format: "%+.2f", 100 * (result.testError - base)) + String(format: " | %.2f |", paper.paperError))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A rate as a percentage with two decimals.
    public static func percent(_ rate: Double) -> String { String(format: "%.2f", 100 * rate) }
}
