package io.github.conv4j.cli;

/**
 * Whether this JVM can run {@code train --spark}: Spark's classes on the class path and the JDK
 * internals Spark needs opened. Refers to no Spark class itself, so that it can say what is
 * missing instead of failing with a NoClassDefFoundError.
 */
final class SparkAvailability {
    private SparkAvailability() {}

    /** Throws an IllegalStateException telling how to get Spark, or the Java 17 options, when either is missing. */
    static void require() {
        try {
            Class.forName("org.apache.spark.SparkContext", false, SparkAvailability.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("--spark needs Apache Spark 3.5 for Scala 2.13 on the class path, which this run lacks: "
                    + "start conv4j through scripts/conv4j, which adds the build's Spark jars (or $SPARK_HOME/jars when SPARK_HOME is set), "
                    + "or put Spark's jars on -cp yourself");
        }
        if (!Object.class.getModule().isOpen("sun.nio.ch", SparkAvailability.class.getModule()))
            throw new IllegalStateException("--spark on Java 17 needs the JVM options Spark's own launcher adds (--add-opens=java.base/sun.nio.ch=ALL-UNNAMED "
                    + "and others): scripts/conv4j adds them with --spark; the list is spark.java17.options in the root pom.xml");
    }
}
