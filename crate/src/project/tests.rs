//! The index on small projects: names resolved through imports, re-exports and module
//! paths; models, accessors, serializers and viewsets; what stays unknown.

use super::classes::Value;
use super::models::Accessor;
use super::viewsets::Reach;
use super::*;
use crate::parse::parse_file;

fn index(files: &[(&str, &str)]) -> ProjectIndex {
    let files: Vec<SourceFile> = files.iter().map(|(p, t)| SourceFile::new(*p, *t)).collect();
    let mut facts = Vec::new();
    let mut imports = Vec::new();
    for file in &files {
        let parsed = parse_file(file).expect("parses");
        let mut ctx = FileContext::new(&file.path, &file.text, &parsed.tree);
        facts.push(Some(FileFacts::extract(&ctx)));
        imports.push(Some(std::mem::take(&mut ctx.imports)));
    }
    ProjectIndex::new(&files, facts, imports)
}

fn name(index: &ProjectIndex, id: Option<ClassId>) -> Option<String> {
    id.and_then(|id| index.class_fact(id))
        .map(|c| c.name.clone())
}

#[test]
fn module_paths_and_relative_imports() {
    assert_eq!(
        module_path("apps/blog/models.py"),
        ("apps.blog.models".into(), false)
    );
    assert_eq!(
        module_path("apps/blog/__init__.py"),
        ("apps.blog".into(), true)
    );
    assert_eq!(module_path("__init__.py"), ("".into(), true));
    assert_eq!(
        absolute_module(".models", "apps.blog.views", false).as_deref(),
        Some("apps.blog.models")
    );
    assert_eq!(
        absolute_module("..core.models", "apps.blog.views", false).as_deref(),
        Some("apps.core.models")
    );
    assert_eq!(
        absolute_module(".models", "apps.blog", true).as_deref(),
        Some("apps.blog.models")
    );
    assert_eq!(absolute_module("...x", "a.b", false), None);
}

#[test]
fn resolves_classes_through_imports_aliases_and_reexports() {
    let index = index(&[
        ("src/apps/blog/models.py", "from django.db import models\nclass Post(models.Model):\n    title = models.CharField()\n"),
        ("src/apps/blog/__init__.py", "from .models import Post as Article\n"),
        (
            "src/apps/api/views.py",
            "from apps.blog.models import Post as P\nfrom ..blog import Article\nfrom apps.blog import models as m\nimport apps.blog.models\nfrom rest_framework.serializers import ModelSerializer\nclass Local: pass\n",
        ),
    ]);
    for written in ["P", "Article", "m.Post", "apps.blog.models.Post"] {
        assert_eq!(
            name(&index, index.class(2, written)).as_deref(),
            Some("Post"),
            "{written}"
        );
    }
    assert_eq!(
        name(&index, index.class(2, "Local")).as_deref(),
        Some("Local")
    );
    // A class from an installed package, and a name nobody defines: unknown.
    assert_eq!(index.class(2, "ModelSerializer"), None);
    assert_eq!(index.class(2, "Missing"), None);
    assert!(index.model_named(2, "P").is_some());
}

#[test]
fn lineage_and_lists_of_names() {
    let index = index(&[
        (
            "api/base.py",
            "from rest_framework import permissions\nfrom rest_framework.views import APIView\nclass Gate: pass\nclass EditorView(APIView):\n    permission_classes = (permissions.IsAuthenticated, Gate)\n    ordering = ['a', 'b']\n    mixed = [Gate, 'a']\nclass Composed(APIView):\n    permission_classes = [permissions.IsAuthenticated | Gate]\n",
        ),
        (
            "api/views.py",
            "from .base import EditorView, Gate\nclass Mixin: pass\nclass Parents(Mixin, EditorView): pass\nclass Loop(Loop): pass\n",
        ),
    ]);
    let parents = index.class(1, "Parents").expect("known");
    let names: Vec<&str> = index
        .lineage(parents)
        .iter()
        .map(|(_, c)| c.name.as_str())
        .collect();
    // Nearest first, left to right; `APIView` is outside the project.
    assert_eq!(names, ["Parents", "Mixin", "EditorView"]);
    let base = index
        .class_fact(index.class(1, "EditorView").unwrap())
        .unwrap();
    assert_eq!(
        base.attr("permission_classes"),
        Some(&Value::Names(vec![
            "rest_framework.permissions.IsAuthenticated".into(),
            "Gate".into(),
        ]))
    );
    assert_eq!(
        base.attr("ordering"),
        Some(&Value::Strings(vec!["a".into(), "b".into()]))
    );
    assert_eq!(base.attr("mixed"), None);
    // Kept although unreadable: whether it is set is what counts.
    let composed = index
        .class_fact(index.class(0, "Composed").unwrap())
        .unwrap();
    assert_eq!(composed.attr("permission_classes"), Some(&Value::Other));
    let looping = index.class(1, "Loop").unwrap();
    assert_eq!(index.lineage(looping).len(), 1);
}

#[test]
fn models_relations_accessors_and_inheritance() {
    let index = index(&[(
        "app/models.py",
        "\
from django.db import models
from django.contrib.auth.models import AbstractUser
from wagtail.models import Page

class Stamped(models.Model):
    created = models.DateTimeField()
    class Meta:
        abstract = True

class Author(Stamped):
    name = models.CharField()

class Profile(models.Model):
    author = models.OneToOneField(Author, on_delete=models.CASCADE)

class Book(Stamped):
    author = models.ForeignKey('Author', related_name='books', on_delete=models.CASCADE)
    tags = models.ManyToManyField('app.Tag')

class Tag(models.Model):
    name = models.CharField()

class Place(models.Model):
    name = models.CharField()

class Restaurant(Place):
    stars = models.IntegerField()

class BlogPage(Page):
    pass

class User(AbstractUser):
    bio = models.TextField()
",
    )]);
    let class = |n: &str| index.class(0, n).expect(n);
    let author = index.model(class("Author")).expect("model");
    assert!(author.bases_known);
    assert_eq!(index.model_has_field(&author, "created"), Some(true));
    assert_eq!(index.model_has_field(&author, "books"), Some(true));
    assert_eq!(index.model_has_field(&author, "profile"), Some(true));
    assert_eq!(index.model_has_field(&author, "full_name"), Some(false));
    let book = index.model(class("Book")).expect("model");
    let (fields, complete) = index.model_fields(&book);
    assert!(complete);
    let tags = fields.iter().find(|f| f.name == "tags").expect("tags");
    assert_eq!(tags.target, Some(class("Tag")));
    assert!(index.model(class("Stamped")).expect("model").abstract_);
    // A model on a base from an installed package: its fields are not all known.
    let user = index.model(class("User")).expect("model");
    assert_eq!(index.model_has_field(&user, "email"), None);
    // Accessors: multi-table children (and page types) versus one-to-ones.
    assert_eq!(
        index.accessors_named("restaurant"),
        vec![Accessor::Child(class("Restaurant"))]
    );
    assert_eq!(
        index.accessors_named("blogpage"),
        vec![Accessor::Child(class("BlogPage"))]
    );
    assert_eq!(
        index.accessors_named("profile"),
        vec![Accessor::OneToOne(class("Profile"))]
    );
    assert!(index.accessors_named("place").is_empty());
    assert!(index.accessors_named("stamped").is_empty());
}

#[test]
fn search_fields_are_read() {
    let index = index(&[(
        "m.py",
        "from wagtail.models import Page\nfrom wagtail.search import index\nclass P(Page):\n    search_fields = Page.search_fields + [index.SearchField('body'), index.FilterField('date')]\n",
    )]);
    let fields = index.file(0).unwrap().classes[0]
        .search_fields
        .clone()
        .unwrap();
    assert_eq!(fields.filter_fields, vec!["date".to_string()]);
    assert_eq!(fields.other_fields, vec!["body".to_string()]);
    assert_eq!(fields.extends, vec!["wagtail.models.Page".to_string()]);
    assert!(fields.complete);
}

const MODELS: &str = "\
from django.db import models
class Tag(models.Model):
    name = models.CharField()
class Post(models.Model):
    title = models.CharField()
    tags = models.ManyToManyField(Tag)
    @property
    def tag_names(self):
        return [t.name for t in self.tags.all()]
";

const SERIALIZERS: &str = "\
from rest_framework import serializers
from .models import Post
class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = 'x'
        fields = ['name']
class Short(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ['id', 'title']
class Nested(serializers.ModelSerializer):
    labels = TagSerializer(many=True, source='tags')
    class Meta:
        model = Post
        fields = ['id', 'labels']
class Method(serializers.ModelSerializer):
    first = serializers.SerializerMethodField()
    class Meta:
        model = Post
        fields = ['first']
    def get_first(self, obj):
        return [t.name for t in obj.tags.all()[:3]]
class Escapes(Short):
    extra = serializers.SerializerMethodField()
    class Meta(Short.Meta):
        fields = ['id', 'extra']
    def get_extra(self, obj):
        return helper(obj)
class Property(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ['tag_names']
class All(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = '__all__'
";

#[test]
fn what_serializers_read() {
    let index = index(&[
        ("app/models.py", MODELS),
        ("app/serializers.py", SERIALIZERS),
    ]);
    let reads = |n: &str| {
        index
            .serializer_reads(index.class(1, n).expect(n))
            .expect("serializer")
    };
    let short = reads("Short");
    assert!(short.complete && short.get("tags").is_none());
    let nested = reads("Nested");
    assert!(nested.complete && nested.get("tags").is_some());
    let method = reads("Method");
    assert!(method.complete && method.get("tags").is_some_and(|r| r.sliced_only));
    assert!(!reads("Escapes").complete);
    let property = reads("Property");
    assert!(!property.complete, "a model property may read anything");
    let all = reads("All");
    assert!(all.complete && all.get("tags").is_some());
    assert!(index
        .serializer_reads(index.class(0, "Post").unwrap())
        .is_none());
}

const VIEWS: &str = "\
from rest_framework import viewsets
from .models import Post
from . import serializers as s
class ByAction(viewsets.ModelViewSet):
    queryset = Post.objects.prefetch_related('tags')
    def get_serializer_class(self):
        if self.action == 'list':
            return s.Short
        return s.Nested
class ByDict(viewsets.ModelViewSet):
    serializer_class = s.Nested
    serializer_classes = {'list': s.Short}
    def get_serializer_class(self):
        return self.serializer_classes.get(self.action, super().get_serializer_class())
class Inherits(ByAction):
    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get('expand'):
            qs = qs.prefetch_related('tags')
        if self.action == 'list':
            return qs
        return qs.prefetch_related(Prefetch('tags', queryset=Tag.objects.prefetch_related('x')))
class Unknown(SomeMixin, viewsets.ModelViewSet):
    serializer_class = s.Short
";

#[test]
fn viewsets_serializers_and_prefetches() {
    let index = index(&[
        ("app/models.py", MODELS),
        ("app/serializers.py", SERIALIZERS),
        ("app/views.py", VIEWS),
    ]);
    let viewset = |n: &str| index.viewset(index.class(2, n).expect(n)).expect("viewset");
    let for_action = |n: &str, a: &str| name(&index, index.serializer_for(&viewset(n), a));
    assert_eq!(for_action("ByAction", "list").as_deref(), Some("Short"));
    assert_eq!(
        for_action("ByAction", "retrieve").as_deref(),
        Some("Nested")
    );
    assert_eq!(for_action("ByDict", "list").as_deref(), Some("Short"));
    assert_eq!(for_action("ByDict", "retrieve").as_deref(), Some("Nested"));
    assert_eq!(for_action("Inherits", "list").as_deref(), Some("Short"));
    // A base from an installed package may override `get_serializer_class`.
    assert_eq!(for_action("Unknown", "list"), None);

    let reaches = |n: &str| -> Vec<(String, Vec<Reach>)> {
        index
            .prefetches(&viewset(n))
            .into_iter()
            .map(|(_, s)| (s.lookups[0].0.clone(), s.reach))
            .collect()
    };
    assert_eq!(
        reaches("ByAction"),
        vec![("tags".into(), vec![Reach::Yes, Reach::Yes])]
    );
    // The request-parameter branch is unknown; the detail-only Prefetch is its own;
    // the inner `prefetch_related` inside `Prefetch(queryset=...)` is not the viewset's;
    // the class-level queryset reaches both actions through `super().get_queryset()`.
    assert_eq!(
        reaches("Inherits"),
        vec![
            ("tags".into(), vec![Reach::Unknown, Reach::Unknown]),
            ("tags".into(), vec![Reach::No, Reach::Yes]),
            ("tags".into(), vec![Reach::Yes, Reach::Yes]),
        ]
    );
}

#[test]
fn receivers_signals_and_senders_across_files() {
    let index = index(&[
        (
            "blog/signals.py",
            "\
from django.db.models.signals import post_save, post_migrate
from django.dispatch import receiver
from .models import Post

@receiver(post_save, sender=Post)
@receiver(post_save, sender='blog.Tag')
def on_save(sender, instance, **kwargs): pass

@receiver(post_migrate)
def on_migrate(sender, **kwargs): pass

def handler(sender, instance, **kwargs): pass
post_save.connect(handler)
",
        ),
        (
            "blog/apps.py",
            "from django.db.models.signals import pre_save\nfrom .signals import handler\nfrom .models import Post\npre_save.connect(handler, sender=Post)\n",
        ),
        ("blog/models.py", MODELS),
    ]);
    let facts = index.file(0).unwrap();
    let fact = |n: &str| {
        let r = facts.receivers.iter().find(|r| r.function == n).unwrap();
        index.receiver_at(0, r.range.clone()).unwrap()
    };
    let on_save = fact("on_save");
    assert_eq!(
        on_save.signals,
        vec!["django.db.models.signals.post_save"; 2]
    );
    assert_eq!(
        on_save.senders,
        vec![".models.Post".to_string(), "?".to_string()]
    );
    let (models, all) = index.sender_models(0, &on_save);
    assert_eq!(models.len(), 1);
    assert!(!all);
    let handler = fact("handler");
    assert_eq!(
        handler.signals,
        vec![
            "django.db.models.signals.post_save",
            "django.db.models.signals.pre_save"
        ]
    );
    assert_eq!(handler.senders, vec![".models.Post".to_string()]);
    assert!(fact("on_migrate")
        .signals
        .iter()
        .all(|s| !receivers::sends_model_class(s)));
    assert!(receivers::sends_model_class("post_save"));
    assert!(!receivers::sends_model_class("myapp.signals.order_placed"));
}

const DRF003_MODELS: &str = "\
from django.db import models
class Tag(models.Model):
    name = models.CharField(max_length=50)
class Post(models.Model):
    author = models.ForeignKey('Author', on_delete=models.CASCADE)
    tags = models.ManyToManyField(Tag, related_name='posts')
class Author(models.Model):
    name = models.CharField(max_length=50)
class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
";

const DRF003_SERIALIZERS: &str = "\
from rest_framework import serializers
from .models import Post
class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ['name']
class Reads(serializers.ModelSerializer):
    tags = TagSerializer(many=True)
    author_name = serializers.CharField(source='author.name')
    names = serializers.SerializerMethodField()
    class Meta:
        model = Post
        fields = ['id', 'tags', 'author', 'author_name', 'names', 'comment_set']
    def get_names(self, obj):
        return [c.id for c in obj.comment_set.all()] + [t for t in obj.tags.all()[:2]]
class Dynamic(Reads):
    def to_representation(self, instance):
        return {}
";

#[test]
fn serializer_relations_by_kind() {
    let index = index(&[
        ("app/models.py", DRF003_MODELS),
        ("app/serializers.py", DRF003_SERIALIZERS),
    ]);
    let (model, reads) = index
        .serializer_relations(index.class(1, "Reads").unwrap())
        .expect("known");
    assert_eq!(name(&index, Some(model.id)).as_deref(), Some("Post"));
    let found: Vec<(&str, &str, bool)> = reads
        .iter()
        .map(|r| (r.field.as_str(), r.relation.as_str(), r.many))
        .collect();
    // `author` itself is a PrimaryKeyRelatedField reading `author_id`: not a read.
    assert_eq!(
        found,
        vec![
            ("tags", "tags", true),
            ("author_name", "author", false),
            ("names", "comment_set", true),
        ]
    );
    assert!(index
        .serializer_relations(index.class(1, "Dynamic").unwrap())
        .is_none());
}

#[test]
fn viewset_queryset_builds_survive_the_results_cache() {
    let code = "\
from rest_framework import viewsets
class V(viewsets.ModelViewSet):
    queryset = Post.objects.select_related('author').order_by('id')
    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.GET.get('q'):
            qs = qs.filter(title=self.request.GET['q'])
        return qs
class W(viewsets.ModelViewSet):
    queryset = Post.objects.published()
    def get_queryset(self):
        qs = self.queryset
        helper(qs)
        return qs
";
    let index = index(&[("app/views.py", code)]);
    let facts = index.file(0).unwrap();
    let text = serde_json::to_string(facts).unwrap();
    let back: FileFacts = serde_json::from_str(&text).unwrap();
    let v = back.classes[0].viewset.as_ref().unwrap();
    let built = v.class_queryset.as_ref().unwrap();
    assert_eq!(
        built.root,
        viewsets::QuerysetRoot::Manager {
            model: "Post".into(),
            manager: "objects".into()
        }
    );
    assert_eq!(v.selects[0].lookups[0].0, "author");
    let returned = v.get_queryset.as_ref().unwrap();
    assert_eq!(returned.root, viewsets::QuerysetRoot::Base);
    assert_eq!(&code[returned.range.clone()], "qs");
    assert!(returned.fix_at.is_some());
    // A custom queryset method, and a queryset handed to a helper: unknown.
    let w = back.classes[1].viewset.as_ref().unwrap();
    assert!(w.class_queryset.is_none() && w.get_queryset.is_none());
}
