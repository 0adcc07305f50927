"""The few ONNX messages the text encoder's graph needs, made with protobuf alone.

An ONNX model is a protocol-buffers message (``onnx.proto``). ONNX Runtime, which runs the graph,
already depends on protobuf; the ``onnx`` package would add about 34 MB to the install only to
spell the messages (ADR 0124). So this module declares the subset of ``onnx.proto`` that
``core.encoder`` writes — model, operator set, graph, node, attribute, tensor and a tensor's
type and shape — with the field numbers and wire types of the real schema, and lets protobuf
make the classes. Enum fields are declared as int32, which is how they travel; the fields not
declared here are never written. ``onnx`` (a dev dependency) checks the result in the tests.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from .e5weights import EncoderMissing

# (message, [(field, number, type, repeated)]); types: a protobuf scalar name or a message
_MESSAGES: list[tuple[str, list[tuple[str, int, str, bool]]]] = [
    ("OperatorSetIdProto", [("domain", 1, "string", False), ("version", 2, "int64", False)]),
    ("Dimension", [("dim_value", 1, "int64", False), ("dim_param", 2, "string", False)]),
    ("TensorShapeProto", [("dim", 1, "Dimension", True)]),
    ("TensorType", [("elem_type", 1, "int32", False), ("shape", 2, "TensorShapeProto", False)]),
    ("TypeProto", [("tensor_type", 1, "TensorType", False)]),
    ("ValueInfoProto", [("name", 1, "string", False), ("type", 2, "TypeProto", False)]),
    ("StringStringEntryProto", [("key", 1, "string", False), ("value", 2, "string", False)]),
    ("TensorProto", [("dims", 1, "int64", True), ("data_type", 2, "int32", False),
                     ("name", 8, "string", False), ("raw_data", 9, "bytes", False),
                     ("external_data", 13, "StringStringEntryProto", True),
                     ("data_location", 14, "int32", False)]),
    ("AttributeProto", [("name", 1, "string", False), ("f", 2, "float", False), ("i", 3, "int64", False),
                        ("ints", 8, "int64", True), ("type", 20, "int32", False)]),
    ("NodeProto", [("input", 1, "string", True), ("output", 2, "string", True), ("name", 3, "string", False),
                   ("op_type", 4, "string", False), ("attribute", 5, "AttributeProto", True),
                   ("domain", 7, "string", False)]),
    ("GraphProto", [("node", 1, "NodeProto", True), ("name", 2, "string", False),
                    ("initializer", 5, "TensorProto", True), ("input", 11, "ValueInfoProto", True),
                    ("output", 12, "ValueInfoProto", True)]),
    ("ModelProto", [("ir_version", 1, "int64", False), ("producer_name", 2, "string", False),
                    ("graph", 7, "GraphProto", False), ("opset_import", 8, "OperatorSetIdProto", True)]),
]
# TensorProto.DataType, TensorProto.DataLocation and AttributeProto.AttributeType values used here
FLOAT, INT8, INT64 = 1, 3, 7
EXTERNAL = 1
_ELEMENT = {np.dtype(np.float32): FLOAT, np.dtype(np.int8): INT8, np.dtype(np.int64): INT64}
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7


@lru_cache(maxsize=1)
def classes() -> dict[str, Any]:
    """The message classes, by name (made once per process)."""
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError as exc:  # pragma: no cover - protobuf comes with onnxruntime
        raise EncoderMissing("protobuf is not installed") from exc
    field = descriptor_pb2.FieldDescriptorProto
    scalar = {"string": field.TYPE_STRING, "int64": field.TYPE_INT64, "int32": field.TYPE_INT32,
              "bytes": field.TYPE_BYTES, "float": field.TYPE_FLOAT}
    proto = descriptor_pb2.FileDescriptorProto(name="walletdesk_onnx_subset.proto", package="onnx",
                                               syntax="proto2")
    for name, fields in _MESSAGES:
        message = proto.message_type.add(name=name)
        for fname, number, ftype, repeated in fields:
            f = message.field.add(name=fname, number=number,
                                  label=field.LABEL_REPEATED if repeated else field.LABEL_OPTIONAL)
            if ftype in scalar:
                f.type = scalar[ftype]
            else:
                f.type, f.type_name = field.TYPE_MESSAGE, f".onnx.{ftype}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"onnx.{name}"))
            for name, _ in _MESSAGES}


def tensor(name: str, array: np.ndarray) -> Any:
    """A TensorProto holding ``array`` (float32, int8 or int64), little-endian raw bytes."""
    array = np.ascontiguousarray(array)
    return classes()["TensorProto"](name=name, dims=list(array.shape), data_type=_ELEMENT[array.dtype],
                                    raw_data=array.astype(array.dtype.newbyteorder("<")).tobytes())


def external_tensor(name: str, array: np.ndarray) -> Any:
    """A TensorProto that names ``array`` without holding it: its data is given to the session
    separately (``location`` is a label ONNX Runtime does not read when it is given so)."""
    c = classes()
    return c["TensorProto"](name=name, dims=list(array.shape), data_type=_ELEMENT[array.dtype],
                            data_location=EXTERNAL, external_data=[
                                c["StringStringEntryProto"](key="location", value="memory")])


def node(op_type: str, inputs: list[str], outputs: list[str], domain: str = "", **attributes: Any) -> Any:
    """A NodeProto; attributes: an int, a float or a list of ints."""
    made = []
    for key, value in sorted(attributes.items()):
        attribute = classes()["AttributeProto"](name=key)
        if isinstance(value, float):
            attribute.type, attribute.f = _ATTR_FLOAT, value
        elif isinstance(value, int):
            attribute.type, attribute.i = _ATTR_INT, value
        else:
            attribute.type = _ATTR_INTS
            attribute.ints.extend(int(v) for v in value)
        made.append(attribute)
    return classes()["NodeProto"](op_type=op_type, input=inputs, output=outputs, domain=domain,
                                  name=outputs[0], attribute=made)


def value_info(name: str, shape: list[int | str]) -> Any:
    """A float32 graph input or output; a string in ``shape`` names a free dimension."""
    c = classes()
    dims = [c["Dimension"](dim_param=d) if isinstance(d, str) else c["Dimension"](dim_value=d) for d in shape]
    return c["ValueInfoProto"](name=name, type=c["TypeProto"](tensor_type=c["TensorType"](
        elem_type=FLOAT, shape=c["TensorShapeProto"](dim=dims))))


def model(graph_name: str, inputs: list[Any], outputs: list[Any], opsets: dict[str, int],
          ir_version: int = 8) -> Any:
    """An empty ModelProto to fill in place (``model.graph.node``, ``model.graph.initializer``)."""
    c = classes()
    imports = [c["OperatorSetIdProto"](domain=d, version=v) for d, v in opsets.items()]
    return c["ModelProto"](ir_version=ir_version, producer_name="walletdesk", opset_import=imports,
                           graph=c["GraphProto"](name=graph_name, input=inputs, output=outputs))
