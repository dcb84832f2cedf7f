package io.github.conv4j.onnx;

import java.util.Optional;

/**
 * The element types of ONNX tensors, with the codes of the specification's
 * {@code TensorProto.DataType} (ONNX 1.23.0). conv4j reads the data of FLOAT and INT64 tensors;
 * the other names let graph inputs and refusals say what a model declares.
 */
public enum OnnxDataType {
    /** Code 0: no type given. */
    UNDEFINED(0),
    /** Code 1: 32-bit IEEE float. */
    FLOAT(1),
    /** Code 2. */
    UINT8(2),
    /** Code 3. */
    INT8(3),
    /** Code 4. */
    UINT16(4),
    /** Code 5. */
    INT16(5),
    /** Code 6. */
    INT32(6),
    /** Code 7: 64-bit signed integer, the type of shapes and indices. */
    INT64(7),
    /** Code 8. */
    STRING(8),
    /** Code 9. */
    BOOL(9),
    /** Code 10. */
    FLOAT16(10),
    /** Code 11. */
    DOUBLE(11),
    /** Code 12. */
    UINT32(12),
    /** Code 13. */
    UINT64(13),
    /** Code 14. */
    COMPLEX64(14),
    /** Code 15. */
    COMPLEX128(15),
    /** Code 16. */
    BFLOAT16(16),
    /** Code 17. */
    FLOAT8E4M3FN(17),
    /** Code 18. */
    FLOAT8E4M3FNUZ(18),
    /** Code 19. */
    FLOAT8E5M2(19),
    /** Code 20. */
    FLOAT8E5M2FNUZ(20),
    /** Code 21. */
    UINT4(21),
    /** Code 22. */
    INT4(22),
    /** Code 23. */
    FLOAT4E2M1(23),
    /** Code 24. */
    FLOAT8E8M0(24),
    /** Code 25. */
    UINT2(25),
    /** Code 26. */
    INT2(26);

    private static final OnnxDataType[] BY_CODE = values();

    private final int code;

    OnnxDataType(int code) {
        this.code = code;
    }

    /**
     * The specification's code of this type.
     *
     * @return the {@code TensorProto.DataType} value
     */
    public int code() {
        return code;
    }

    /**
     * The type of a code read from a file.
     *
     * @param code a {@code TensorProto.DataType} value
     * @return the type, or empty for a code this version does not know
     */
    public static Optional<OnnxDataType> ofCode(int code) {
        // The constants are declared in code order, so the code is the ordinal.
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }
}
