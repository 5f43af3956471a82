package io.bucketfs.gateway.cli;

import io.bucketfs.gateway.Sizes;
import picocli.CommandLine;

/** Parses {@code 500GB}, {@code 2TiB} … for options; a bad value is a one-line parameter error. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            long v = Sizes.parse(value);
            if (v <= 0) {
                throw new CommandLine.TypeConversionException("must be more than 0");
            }
            return v;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
