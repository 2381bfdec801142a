package io.bqharpersync.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How an option appears as a Dataflow Flex Template parameter, beside its {@code @Description}
 * (the help text) and {@code @Default} (the value when it is left out): the shape its value must
 * have, documented examples of it, and whether a launch must give it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TemplateParameter {
  ParameterShape shape() default ParameterShape.TEXT;

  /** Values the documentation shows; each has the option's shape. */
  String[] examples() default {};

  boolean required() default false;
}
