package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.StepCheck;

/** The one Jackson configuration used for journals, reports and context values. */
public final class Json {

    /**
     * Type information for the sealed {@link StepCheck}, kept out of the API types.
     */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = StepCheck.UpToDate.class, name = "UP_TO_DATE"),
            @JsonSubTypes.Type(value = StepCheck.Pending.class, name = "PENDING"),
            @JsonSubTypes.Type(value = StepCheck.Blocked.class, name = "BLOCKED"),
            @JsonSubTypes.Type(value = StepCheck.Deferred.class, name = "DEFERRED"),
            @JsonSubTypes.Type(value = StepCheck.Waiting.class, name = "WAITING"),
            @JsonSubTypes.Type(value = StepCheck.Skipped.class, name = "SKIPPED")})
    interface StepCheckMixin {
    }

    /** A pending check's notes are written only when there are some (reports without them read as before). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    interface PendingMixin {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(errorCodes())
            .addMixIn(StepCheck.class, StepCheckMixin.class)
            .addMixIn(StepCheck.Pending.class, PendingMixin.class)
            // Derived accessors such as PlanPreview.isBlocked() are not part of the format.
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            // Readers of format version 1 ignore fields added later in version 1.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private Json() {
    }

    /** Error codes of any module are written as their code string and read back through {@link ErrorCode#of}. */
    private static SimpleModule errorCodes() {
        SimpleModule module = new SimpleModule("kaapana-migrate-error-codes");
        module.addSerializer(ErrorCode.class, new com.fasterxml.jackson.databind.JsonSerializer<ErrorCode>() {
            @Override
            public void serialize(ErrorCode code, com.fasterxml.jackson.core.JsonGenerator gen,
                                  com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
                gen.writeString(code.code());
            }
        });
        module.addDeserializer(ErrorCode.class, new com.fasterxml.jackson.databind.JsonDeserializer<ErrorCode>() {
            @Override
            public ErrorCode deserialize(com.fasterxml.jackson.core.JsonParser p,
                                         com.fasterxml.jackson.databind.DeserializationContext ctxt) throws java.io.IOException {
                return ErrorCode.of(p.getValueAsString());
            }
        });
        return module;
    }

    /**
     * The shared mapper; thread-safe.
     *
     * @return the mapper
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
