package io.floe.models.render;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.UnknownTokenException;
import com.hubspot.jinjava.lib.expression.DefaultExpressionStrategy;
import com.hubspot.jinjava.lib.fn.MacroFunction;
import com.hubspot.jinjava.lib.tag.DoTag;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.lib.tag.MacroTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import io.floe.core.error.FloeException;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dbt's macro semantics on Jinjava: {@code return()} gives a macro's caller a value, errors inside
 * a macro name the macro's file, macros of the packages Floe ships are reached by their package's
 * name ({@code dbt_utils.star()}), {@code adapter.dispatch('name', 'package')(args)} calls the
 * Spark or default implementation, and None is a value ({@code =none} defaults, {@code {% if x %}},
 * {@code {{ x }}}, {@code {% do d.update(..) %}}) where Jinjava, failing on unknown names, takes a
 * null for an unknown name.
 */
final class Macros {
  /** The package whose macros are also callable without a prefix, as dbt's own are. */
  static final String DBT = "dbt";

  private static final Pattern DISPATCH = Pattern.compile("adapter\\s*\\.\\s*dispatch\\s*\\(");
  private static final Pattern MACRO_HEADER = Pattern.compile("\\{%-?\\s*macro\\s+[A-Za-z_][\\w.]*\\s*\\([^)]*\\)");
  private static final Pattern NONE_DEFAULT = Pattern.compile("=\\s*(?:none|None)\\b");

  /** What a macro's {@code =none} default is while Jinjava defines it (it fails on a null default). */
  static final String NONE_NAME = "__floe_none";
  static final Object NONE = new Object() {
    @Override
    public String toString() {
      return "None";
    }
  };

  private static final Pattern PACKAGE_CALL = Pattern.compile("^\\s*([A-Za-z_]\\w*)\\.([A-Za-z_]\\w*)\\s*\\(");

  private Macros() {}

  /**
   * What to tell of an unknown name that is a call of another package's macro
   * ({@code codegen.generate_model_yaml(...)}); empty for any other unknown name.
   */
  static java.util.Optional<String> unknownPackageMacro(InterpretException e, JinjavaInterpreter interpreter) {
    if (e instanceof UnknownTokenException unknown) {
      Matcher call = PACKAGE_CALL.matcher(unknown.getToken());
      if (call.find() && interpreter.getContext().get(call.group(1)) == null) {
        return java.util.Optional.of(String.format("%s.%s() is a macro of package '%s', which Floe does not ship (it"
            + " ships dbt, dbt_utils and dbt_date, so packages.yml needs no dbt deps for them). Copy the macro into"
            + " macros/ and call it as %s(), or replace it.", call.group(1), call.group(2), call.group(1),
            call.group(2)));
      }
    }
    return java.util.Optional.empty();
  }

  /** The text as Jinjava can render it: dispatch calls and {@code =none} defaults rewritten. */
  static String prepare(String text) {
    Matcher header = MACRO_HEADER.matcher(rewriteDispatch(text));
    StringBuilder out = new StringBuilder();
    while (header.find()) {
      header.appendReplacement(out, Matcher.quoteReplacement(
          NONE_DEFAULT.matcher(header.group()).replaceAll("=" + NONE_NAME)));
    }
    header.appendTail(out);
    return out.toString();
  }

  /**
   * Rewrites {@code adapter.dispatch(...)(args)} to {@code adapter.dispatch(...).call(args)}:
   * Jinjava's expressions cannot call what a call returns. Lines stay where they are.
   */
  static String rewriteDispatch(String text) {
    Matcher matcher = DISPATCH.matcher(text);
    StringBuilder out = new StringBuilder();
    int copied = 0;
    while (matcher.find(copied)) {
      int close = TemplateText.closingParenthesis(text, matcher.end() - 1);
      if (close < 0) {
        break;
      }
      int next = close + 1;
      while (next < text.length() && text.charAt(next) == ' ') {
        next++;
      }
      out.append(text, copied, close + 1);
      if (next < text.length() && text.charAt(next) == '(') {
        out.append(".call");
      }
      copied = close + 1;
    }
    return out.append(text, copied, text.length()).toString();
  }

  /** {@code {% macro %}} that defines {@link FloeMacro}s, and keeps a shipped package's macros under its name. */
  static final class FloeMacroTag extends MacroTag {
    private static final long serialVersionUID = 1L;

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
      String output = super.interpret(tagNode, interpreter);
      RenderState state = RenderState.current();
      if (state.loadingPackage != null && !DBT.equals(state.loadingPackage)) {
        // dbt_utils' and dbt_date's macros are reached by their package's name only, as in dbt.
        interpreter.getContext().getGlobalMacros().values().removeIf(macro -> macro instanceof FloeMacro floe
            && state.loadingPackage.equals(floe.packageName));
      }
      return output;
    }

    @Override
    protected MacroFunction constructMacroFunction(TagNode tagNode, JinjavaInterpreter interpreter, String name,
        LinkedHashMap<String, Object> argNamesWithDefaults) {
      RenderState state = RenderState.current();
      FloeMacro macro = new FloeMacro(tagNode.getChildren(), name, argNamesWithDefaults, interpreter,
          state.file(), state.loadingPackage);
      if (state.loadingPackage != null) {
        state.packages.computeIfAbsent(state.loadingPackage, key -> new LinkedHashMap<>()).put(name, macro);
      }
      return macro;
    }
  }

  /** A macro that can {@code return()} a value and whose errors name its own file. */
  static final class FloeMacro extends MacroFunction {
    final String file;
    final String packageName;

    FloeMacro(List<Node> content, String name, LinkedHashMap<String, Object> argNamesWithDefaults,
        JinjavaInterpreter interpreter, String file, String packageName) {
      super(content, name, argNamesWithDefaults, false, interpreter.getContext(), interpreter.getLineNumber(),
          interpreter.getPosition());
      this.file = file;
      this.packageName = packageName;
    }

    @Override
    public Object doEvaluate(Map<String, Object> argMap, Map<String, Object> kwargMap, List<Object> varArgs) {
      JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
      RenderState state = RenderState.current();
      if (state.returned()) {
        return ""; // the caller has returned: dbt runs nothing after return()
      }
      argMap.replaceAll((name, value) -> value == NONE ? null : value);
      int line = interpreter.getLineNumber();
      int errorsBefore = interpreter.getErrors().size();
      RenderState.Frame frame = new RenderState.Frame(file, getName());
      state.frames.push(frame);
      try {
        Object output = super.doEvaluate(argMap, kwargMap, varArgs);
        if (frame.returned) {
          discardAfterReturn(interpreter, state, frame);
          return frame.value;
        }
        return output;
      } catch (RuntimeException e) {
        if (frame.returned) {
          // Thrown by what follows return(), which dbt never runs.
          discardAfterReturn(interpreter, state, frame);
          return frame.value;
        }
        if (state.thrownIn == null) {
          state.thrownIn = file;
          // Jinjava reports what a macro throws as an error of its caller's line: keep the macro's.
          if (e instanceof InterpretException interpret && state.failures.isEmpty()) {
            String at = interpret.getLineNumber() > 0 ? file + ":" + interpret.getLineNumber() : file;
            String problem = unknownPackageMacro(interpret, interpreter)
                .orElse(e.getMessage() == null ? e.toString() : e.getMessage().strip());
            state.failures.add(FloeException.user(e, "%s: Cannot render macro %s (called by %s): %s", at, getName(),
                state.model, problem));
          }
        }
        throw e;
      } finally {
        List<TemplateError> errors = interpreter.getErrors();
        for (int i = errorsBefore; i < errors.size(); i++) {
          state.errorFiles.putIfAbsent(errors.get(i), file);
        }
        state.frames.pop();
        interpreter.setLineNumber(line);
      }
    }

    // Errors of what ran after return() are not the macro's: dbt stops at return().
    private static void discardAfterReturn(JinjavaInterpreter interpreter, RenderState state,
        RenderState.Frame frame) {
      while (interpreter.getErrors().size() > frame.errorsAtReturn) {
        interpreter.removeLastError();
      }
      while (state.failures.size() > frame.failuresAtReturn) {
        state.failures.remove(state.failures.size() - 1);
      }
    }
  }

  /**
   * {@code {% do expression %}} that discards a null result, as dbt's does ({@code {% do
   * d.update(...) %}}): with unknown tokens failing, Jinjava's own fails on every call that returns
   * nothing. A method called on an unknown name still fails.
   */
  static final class FloeDoTag extends DoTag {
    private static final long serialVersionUID = 1L;
    private static final Pattern METHOD_CALL = Pattern.compile("^\\s*([A-Za-z_]\\w*)\\s*\\.");

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
      try {
        return super.interpret(tagNode, interpreter);
      } catch (UnknownTokenException e) {
        Matcher call = METHOD_CALL.matcher(tagNode.getHelpers());
        boolean unknownBase = call.find() && interpreter.getContext().get(call.group(1)) == null;
        if (unknownBase || !tagNode.getHelpers().strip().equals(e.getToken())) {
          throw e;
        }
        return "";
      }
    }
  }

  /**
   * {@code {% if name %}} that is false when {@code name} is None, as in dbt ({@code {% if where
   * %}} with {@code where=none}): with unknown tokens failing, Jinjava's own fails on a null
   * condition. A condition on a name never set still fails.
   */
  static final class FloeIfTag extends IfTag {
    private static final long serialVersionUID = 1L;
    private static final Pattern ROOT = Pattern.compile("^\\s*([A-Za-z_]\\w*)");

    @Override
    public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
      try {
        return super.isPositiveIfElseNode(tagNode, interpreter);
      } catch (UnknownTokenException e) {
        Matcher root = ROOT.matcher(tagNode.getHelpers());
        if (root.find() && defined(interpreter, root.group(1))) {
          return false;
        }
        throw e;
      }
    }

  }

  // Set in some scope, even to None.
  private static boolean defined(JinjavaInterpreter interpreter, String name) {
    for (Context context = interpreter.getContext(); context != null; context = context.getParent()) {
      if (context.getScope().containsKey(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code {{ value }}} of a None renders {@code None}, as dbt's: with unknown tokens failing,
   * Jinjava's fails on it. A name never set still fails.
   */
  static final class FloeExpressionStrategy extends DefaultExpressionStrategy {
    private static final long serialVersionUID = 1L;
    private static final Pattern ROOT = Pattern.compile("^\\s*([A-Za-z_]\\w*)\\s*$|^\\s*([A-Za-z_]\\w*)\\s*[.\\[]");

    @Override
    public RenderedOutputNode interpretOutput(ExpressionToken master, JinjavaInterpreter interpreter) {
      try {
        return super.interpretOutput(master, interpreter);
      } catch (UnknownTokenException e) {
        Matcher root = ROOT.matcher(master.getExpr());
        if (root.find() && defined(interpreter, root.group(1) != null ? root.group(1) : root.group(2))) {
          return new RenderedOutputNode("None");
        }
        throw e;
      }
    }
  }

  /** {@code dbt_utils}, {@code dbt_date}, {@code dbt}: a package's macros by name. */
  static final class PackageNamespace extends AbstractMap<String, Object> {
    private final String name;
    private final RenderState state;

    PackageNamespace(String name, RenderState state) {
      this.name = name;
      this.state = state;
    }

    @Override
    public Object get(Object key) {
      Object macro = own().get(key);
      if (macro == null && !DBT.equals(name)) {
        // dbt_utils' old cross-database macros (dbt_utils.dateadd ...) are dbt's now.
        macro = state.packages.getOrDefault(DBT, Map.of()).get(key);
      }
      if (macro == null) {
        return state.fail(FloeException.user("%s: Cannot call %s.%s(): Floe's %s has no macro '%s'. Floe ships these"
            + " of it: %s. Write the macro in macros/ and call it without the prefix.", state.location(), name, key,
            name, key, String.join(", ", new TreeSet<>(own().keySet()))));
      }
      return macro;
    }

    @Override
    public boolean containsKey(Object key) {
      return own().containsKey(key) || state.packages.getOrDefault(DBT, Map.of()).containsKey(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new LinkedHashSet<>(own().entrySet());
    }

    private Map<String, Object> own() {
      return state.packages.getOrDefault(name, Map.of());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The project's own name as a prefix: {@code my_project.my_macro()} calls the project's macro. */
  static final class ProjectNamespace extends AbstractMap<String, Object> {
    private final String name;
    private final RenderState state;

    ProjectNamespace(String name, RenderState state) {
      this.name = name;
      this.state = state;
    }

    @Override
    public Object get(Object key) {
      MacroFunction macro = JinjavaInterpreter.getCurrent().getContext().getGlobalMacro(String.valueOf(key));
      if (macro == null) {
        return state.fail(FloeException.user("%s: Cannot call %s.%s(): there is no macro '%s' in macros/.",
            state.location(), name, key, key));
      }
      return macro;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new LinkedHashSet<>(new LinkedHashMap<String, Object>(
          JinjavaInterpreter.getCurrent().getContext().getGlobalMacros()).entrySet());
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
