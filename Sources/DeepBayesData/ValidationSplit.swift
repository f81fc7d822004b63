import DeepBayesCore

/// A training set cut into the part a model trains on and a validation part held out of it,
/// on which epochs and hyper-parameters are chosen (so that the test set never is).
///
/// The held-out items are the last `count` of a Fisher–Yates permutation of the training set
/// drawn from `RandomPass(.splitting, index: 0)` under the run's seed (`Batches.permutation`):
/// a pure function of the seed and the set's size, the same on every machine and device. Both
/// parts keep the items in their original order; `Batches` shuffles the training part anew
/// every epoch.
public struct ValidationSplit: Sendable {
    /// The indices (into the whole set) of the items trained on, ascending.
    public let trainingIndices: [Int]
    /// The indices of the held-out items, ascending.
    public let validationIndices: [Int]

    /// Holds `count` of `items` out under `seed`; `invalidArgument` unless `1 <= count < items`.
    public init(items: Int, holdingOut count: Int, seed: UInt64) throws {
        guard count >= 1, count < items else {
            throw DeepBayesError.invalidArgument(operation: "validation split",
                                                 reason: "cannot hold \(count) of \(items) training images out for validation: it must be 1...\(max(items - 1, 1))")
        }
        let order = Batches.permutation(count: items, seed: seed, pass: RandomPass(.splitting, index: 0))
        trainingIndices = order[..<(items - count)].sorted()
        validationIndices = order[(items - count)...].sorted()
    }

    /// The two parts of `dataset` (which must hold the `items` the split was made for).
    public func apply(to dataset: Dataset) -> (training: Dataset, validation: Dataset) {
        (dataset.subset(trainingIndices), dataset.subset(validationIndices))
    }
}
