/** A user's application that computes with vecprop; compiled with -Werror. */
module com.example.app {
    requires org.vecprop;
}
