package dev.kaapanamigrate.testkit.postgres;

import dev.kaapanamigrate.pgserver.PostgresBinaries;

import java.util.Objects;
import java.util.Optional;

/**
 * How to create a data folder, in the terms of the official {@code postgres} image: {@code POSTGRES_USER}
 * (the superuser; there is no {@code postgres} role unless it is named so), {@code POSTGRES_PASSWORD},
 * {@code POSTGRES_DB} (defaults to the user name), the locale and the owner of the folder.
 *
 * <p>Immutable. {@link #toString()} never shows the password.
 */
public final class ClusterSpec {

    /** Alpine's {@code postgres} uid and gid, which Kaapana's PostgreSQL pods run as. */
    public static final int ALPINE_POSTGRES_ID = 70;

    private final String superuser;
    private final String password;
    private final String database;
    private final String locale;
    private final int ownerUid;
    private final int ownerGid;
    private final boolean syncToDisk;

    private ClusterSpec(Builder b) {
        this.superuser = b.superuser;
        this.password = b.password;
        this.database = b.database == null ? b.superuser : b.database;
        this.locale = b.locale;
        this.ownerUid = b.ownerUid;
        this.ownerGid = b.ownerGid;
        this.syncToDisk = b.syncToDisk;
    }

    /**
     * Starts a spec.
     *
     * @param superuser the superuser role ({@code POSTGRES_USER}), e.g. {@code kaapanauser}
     * @param password  its password ({@code POSTGRES_PASSWORD}); stored as a SCRAM-SHA-256 secret
     * @return a builder with database = superuser, the binaries' default locale, owner 70:70, sync on
     */
    public static Builder builder(String superuser, String password) {
        return new Builder(superuser, password);
    }

    /**
     * A spec with the image's defaults for everything but user, password and database.
     *
     * @param superuser the superuser role
     * @param password  its password
     * @param database  the database to create ({@code postgres} creates none, as the image does)
     * @return the spec
     */
    public static ClusterSpec of(String superuser, String password, String database) {
        return builder(superuser, password).database(database).build();
    }

    /**
     * The superuser role name ({@code POSTGRES_USER}).
     *
     * @return the name
     */
    public String superuser() {
        return superuser;
    }

    /**
     * The superuser's password ({@code POSTGRES_PASSWORD}). Do not log it.
     *
     * @return the password
     */
    public String password() {
        return password;
    }

    /**
     * The database created besides {@code postgres} ({@code POSTGRES_DB}); when it is {@code postgres}, none is
     * created.
     *
     * @return the database name
     */
    public String database() {
        return database;
    }

    /**
     * The locale for {@code initdb --locale}, when set.
     *
     * @return the locale, or empty for the binaries' {@link PostgresBinaries#defaultLocale() default}
     */
    public Optional<String> locale() {
        return Optional.ofNullable(locale);
    }

    /**
     * The uid that owns the folder and runs the tools when the JVM is root (ignored otherwise: then the
     * current user owns and runs everything).
     *
     * @return the uid, 70 by default
     */
    public int ownerUid() {
        return ownerUid;
    }

    /**
     * The gid of the folder's owner when the JVM is root.
     *
     * @return the gid, 70 by default
     */
    public int ownerGid() {
        return ownerGid;
    }

    /**
     * Whether {@code initdb} syncs the new folder to disk at the end (as the image does).
     *
     * @return {@code true} by default
     */
    public boolean syncToDisk() {
        return syncToDisk;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClusterSpec)) {
            return false;
        }
        ClusterSpec that = (ClusterSpec) o;
        return ownerUid == that.ownerUid && ownerGid == that.ownerGid && syncToDisk == that.syncToDisk
                && superuser.equals(that.superuser) && password.equals(that.password)
                && database.equals(that.database) && Objects.equals(locale, that.locale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(superuser, password, database, locale, ownerUid, ownerGid, syncToDisk);
    }

    @Override
    public String toString() {
        return "ClusterSpec[superuser=" + superuser + ", password=***, database=" + database + ", locale="
                + (locale == null ? "(default)" : locale) + ", owner=" + ownerUid + ":" + ownerGid
                + ", syncToDisk=" + syncToDisk + "]";
    }

    /** Builds a {@link ClusterSpec}. Not thread-safe. */
    public static final class Builder {

        private final String superuser;
        private final String password;
        private String database;
        private String locale;
        private int ownerUid = ALPINE_POSTGRES_ID;
        private int ownerGid = ALPINE_POSTGRES_ID;
        private boolean syncToDisk = true;

        private Builder(String superuser, String password) {
            this.superuser = requireName(superuser, "superuser");
            Objects.requireNonNull(password, "password");
            if (password.isEmpty() || password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("The password must be non-empty and a single line "
                        + "(initdb reads the first line of its password file).");
            }
            this.password = password;
        }

        /**
         * Sets the database to create ({@code POSTGRES_DB}).
         *
         * @param database the name; {@code postgres} creates none
         * @return this builder
         */
        public Builder database(String database) {
            this.database = requireName(database, "database");
            return this;
        }

        /**
         * Sets the locale ({@code initdb --locale}), e.g. {@code en_US.utf8}.
         *
         * @param locale the locale name
         * @return this builder
         */
        public Builder locale(String locale) {
            this.locale = requireName(locale, "locale");
            return this;
        }

        /**
         * Sets the owner of the folder when the JVM runs as root.
         *
         * @param uid the uid (not 0: PostgreSQL refuses to run as root)
         * @param gid the gid
         * @return this builder
         */
        public Builder owner(int uid, int gid) {
            if (uid <= 0 || gid < 0) {
                throw new IllegalArgumentException("Owner " + uid + ":" + gid
                        + " is not allowed; PostgreSQL refuses to run as root. Use a uid > 0, e.g. 70.");
            }
            this.ownerUid = uid;
            this.ownerGid = gid;
            return this;
        }

        /**
         * Sets whether {@code initdb} syncs to disk at the end; {@code false} ({@code --no-sync}) saves a few
         * seconds for throw-away folders.
         *
         * @param sync whether to sync
         * @return this builder
         */
        public Builder syncToDisk(boolean sync) {
            this.syncToDisk = sync;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the immutable spec
         */
        public ClusterSpec build() {
            return new ClusterSpec(this);
        }

        private static String requireName(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isBlank() || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("The " + what + " must not be blank; got '" + value + "'.");
            }
            return value;
        }
    }
}
