//! Evaluation: scores predicted attributions against gold in the PolNeAR JSONL format.
