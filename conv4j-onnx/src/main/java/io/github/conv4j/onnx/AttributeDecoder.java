package io.github.conv4j.onnx;

import io.github.conv4j.onnx.proto.OnnxProtos.AttributeProto;

/** Turns an AttributeProto into a typed {@link OnnxAttribute}, refusing the types conv4j does not read. */
final class AttributeDecoder {
    private final ModelFile file;
    private final TensorDecoder tensors;

    AttributeDecoder(ModelFile file, TensorDecoder tensors) {
        this.file = file;
        this.tensors = tensors;
    }

    /**
     * Decodes one attribute.
     *
     * @param proto the attribute
     * @param node how messages name its node, such as {@code node '/conv1/Conv' (Conv)}
     */
    OnnxAttribute decode(AttributeProto proto, String node) throws OnnxModelException {
        String name = proto.getName();
        String what = node + ": attribute '" + name + "'";
        if (name.isEmpty()) {
            throw file.malformed(node + " has an attribute without a name");
        }
        if (!proto.getRefAttrName().isEmpty()) {
            // Only function bodies may refer to their caller's attributes.
            throw file.malformed(what + " refers to attribute '" + proto.getRefAttrName()
                    + "' of a calling function, outside any function");
        }
        switch (proto.getType()) {
            case INT:
                return new OnnxAttribute.IntAttribute(name, proto.getI());
            case INTS:
                return new OnnxAttribute.IntsAttribute(name, proto.getIntsList());
            case FLOAT:
                return new OnnxAttribute.FloatAttribute(name, proto.getF());
            case FLOATS:
                return new OnnxAttribute.FloatsAttribute(name, proto.getFloatsList());
            case STRING:
                return new OnnxAttribute.StringAttribute(name, proto.getS().toStringUtf8());
            case TENSOR:
                return new OnnxAttribute.TensorAttribute(name, tensors.decode(proto.getT(), what));
            case UNDEFINED:
            case UNRECOGNIZED:
                throw file.malformed(what + " has no valid type (type code " + proto.getTypeValue() + ")");
            default:
                throw file.unsupported(what + " is of type " + proto.getType()
                        + "; conv4j reads int, ints, float, floats, string and tensor attributes");
        }
    }
}
