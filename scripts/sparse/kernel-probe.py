"""Times onnxruntime's SparseToDenseMatMul kernel against MatMul on BLIP-base Linear shapes.

onnxruntime-node cannot feed a sparse tensor, and onnxruntime rejects a sparse initializer as the
op's input, so the engine cannot use the kernel. This probe feeds the sparse weight through the
Python API instead, to tell whether the kernel would be worth having. Run it by hand (never in CI)
in a virtual environment with `pip install onnxruntime==1.31.1 onnx numpy`:

    python scripts/sparse/kernel-probe.py [--threads 2] [--budget 1.5] > probe.json
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

# BLIP-base Linear weights as [out, in]: one vision layer, and one text layer in the order a decoder
# step runs them (self-attention q, k, v, output; cross-attention q, output; feed-forward in, out).
VISION_LAYER = {"qkv": (2304, 768), "projection": (768, 768), "fc1": (3072, 768), "fc2": (768, 3072)}
DECODER_LAYER = [(768, 768)] * 6 + [(3072, 768), (768, 3072)]
LAYERS = 12
VISION_TOKENS = 577


def sparse_model(out, inp, tokens):
    """Y[out, tokens] = A_sparse[out, in] × B[in, tokens]: the Linear as (W·xᵀ)ᵀ without the transposes."""
    node = helper.make_node("SparseToDenseMatMul", ["A", "B"], ["Y"], domain="com.microsoft")
    graph = helper.make_graph(
        [node],
        "sparse",
        [helper.make_sparse_tensor_value_info("A", TensorProto.FLOAT, [out, inp]), helper.make_tensor_value_info("B", TensorProto.FLOAT, [inp, tokens])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [out, tokens])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)], ir_version=8)


def sparse_chain_model(shapes):
    """y = A_n × … × A_1 × x for a column x: every decoder Linear of one step, in order, as one graph."""
    nodes, inputs = [], [helper.make_tensor_value_info("x", TensorProto.FLOAT, [shapes[0][1], 1])]
    previous = "x"
    for i, (out, inp) in enumerate(shapes):
        inputs.append(helper.make_sparse_tensor_value_info(f"a{i}", TensorProto.FLOAT, [out, inp]))
        nodes.append(helper.make_node("SparseToDenseMatMul", [f"a{i}", previous], [f"y{i}"], domain="com.microsoft"))
        previous = f"y{i}"
    graph = helper.make_graph(nodes, "sparse_chain", inputs, [helper.make_tensor_value_info(previous, TensorProto.FLOAT, [shapes[-1][0], 1])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)], ir_version=8)


def dense_chain_model(weights):
    """y = x × W_1ᵀ × … × W_nᵀ for a row x, each weight an initializer as in the engine's fp32 graphs."""
    nodes, initializers = [], []
    previous = "x"
    for i, weight in enumerate(weights):
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(weight.T), f"w{i}"))
        nodes.append(helper.make_node("MatMul", [previous, f"w{i}"], [f"y{i}"]))
        previous = f"y{i}"
    graph = helper.make_graph(
        nodes,
        "dense_chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, weights[0].shape[1]])],
        [helper.make_tensor_value_info(previous, TensorProto.FLOAT, [1, weights[-1].shape[0]])],
        initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def dense_model(weight_t, tokens):
    """Y[tokens, out] = X[tokens, in] × Wᵀ, the weight an initializer as the engine's fp32 graphs have it."""
    inp, out = weight_t.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["Y"])],
        "dense",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [tokens, inp])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [tokens, out])],
        [numpy_helper.from_array(weight_t, "W")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def pruned_weight(rng, out, inp, sparsity):
    weight = rng.standard_normal((out, inp), dtype=np.float32)
    threshold = np.quantile(np.abs(weight), sparsity)
    weight[np.abs(weight) <= threshold] = 0
    # Rows of unit mean square norm keep a chain of these layers near unit activations.
    return weight / np.float32(np.sqrt(np.mean(np.sum(weight * weight, axis=1))))


def sparse_formats(weight):
    """The weight as onnxruntime CSR and COO (2-D indices, the only COO form the kernel takes)."""
    out, inp = weight.shape
    rows, cols = np.nonzero(weight)
    values = weight[rows, cols]
    outer = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=out))]).astype(np.int64)
    cpu = ort.OrtDevice.make("cpu", 0)
    return {
        "csr": ort.SparseTensor.sparse_csr_from_numpy([out, inp], values, cols.astype(np.int64), outer, cpu),
        "coo": ort.SparseTensor.sparse_coo_from_numpy([out, inp], values, np.stack([rows, cols], axis=1).astype(np.int64), cpu),
    }


def median_ms(run, budget_s):
    for _ in range(2):
        run()
    times = []
    started = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - started < budget_s and len(times) < 25):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def session(model, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def time_shape(rng, out, inp, tokens, sparsity, threads, budget_s):
    weight = pruned_weight(rng, out, inp, sparsity)
    x = rng.standard_normal((tokens, inp), dtype=np.float32)
    expected = x @ weight.T
    result = {}

    dense = session(dense_model(np.ascontiguousarray(weight.T), tokens), threads)
    np.testing.assert_allclose(dense.run(None, {"X": x})[0], expected, rtol=1e-4, atol=1e-3)
    result["dense"] = median_ms(lambda: dense.run(None, {"X": x}), budget_s)

    sparse = session(sparse_model(out, inp, tokens), threads)
    b = ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(x.T))
    for name, tensor in sparse_formats(weight).items():
        feeds = {"A": ort.OrtValue.ort_value_from_sparse_tensor(tensor), "B": b}
        y = sparse.run_with_ort_values(["Y"], feeds)[0].numpy()
        np.testing.assert_allclose(y.T, expected, rtol=1e-4, atol=1e-3)
        result[name] = median_ms(lambda: sparse.run_with_ort_values(["Y"], feeds), budget_s)
    return result


def time_decoder_step(rng, sparsity, threads, budget_s):
    """Times every decoder Linear of one step as one chain, so the weights stream from memory as in a real step."""
    shapes = DECODER_LAYER * LAYERS
    weights = [pruned_weight(rng, out, inp, sparsity) for out, inp in shapes]
    x = rng.standard_normal((1, shapes[0][1]), dtype=np.float32)
    expected = x
    for weight in weights:
        expected = expected @ weight.T
    result = {}

    dense = session(dense_chain_model(weights), threads)
    tolerance = 1e-3 * float(np.max(np.abs(expected)))
    np.testing.assert_allclose(dense.run(None, {"x": x})[0], expected, rtol=1e-3, atol=tolerance)
    result["dense"] = median_ms(lambda: dense.run(None, {"x": x}), budget_s)

    sparse = session(sparse_chain_model(shapes), threads)
    output = f"y{len(shapes) - 1}"
    as_sparse = [sparse_formats(weight) for weight in weights]
    for name in ["csr", "coo"]:
        feeds = {"x": ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(x.T))}
        for i, formats in enumerate(as_sparse):
            feeds[f"a{i}"] = ort.OrtValue.ort_value_from_sparse_tensor(formats[name])
        y = sparse.run_with_ort_values([output], feeds)[0].numpy()
        np.testing.assert_allclose(y.T, expected, rtol=1e-3, atol=tolerance)
        result[name] = median_ms(lambda: sparse.run_with_ort_values([output], feeds), budget_s)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads of every session")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds of timed runs per measurement (3 to 25 runs)")
    parser.add_argument("--sparsities", default="0.3,0.5,0.7,0.9,0.95")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for sparsity in [float(s) for s in args.sparsities.split(",")]:
        per_shape = {name: time_shape(rng, out, inp, VISION_TOKENS, sparsity, args.threads, args.budget) for name, (out, inp) in VISION_LAYER.items()}
        total = {key: LAYERS * sum(timing[key] for timing in per_shape.values()) for key in ["dense", "csr", "coo"]}
        rows.append({"sparsity": sparsity, "stage": "vision encoder", "linearsMs": total, "perShapeMs": per_shape, "loadavg": os.getloadavg()})
        print(json.dumps(rows[-1]), flush=True)
        step = time_decoder_step(rng, sparsity, args.threads, args.budget)
        rows.append({"sparsity": sparsity, "stage": "decoder step", "linearsMs": step, "loadavg": os.getloadavg()})
        print(json.dumps(rows[-1]), flush=True)
    print(json.dumps({"onnxruntime": ort.__version__, "threads": args.threads, "rows": rows}))


if __name__ == "__main__":
    main()
